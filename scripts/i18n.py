"""Translation catalogues without GNU gettext on the machine.

python scripts/i18n.py compile   .po -> .mo for every language (pure Python, polib)
python scripts/i18n.py check     fail if a Finnish or Swedish string is missing or fuzzy,
                                 or if a template or Python string is not in the catalogue
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
REQUIRED = ("fi", "sv")


def catalogues():
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def compile_all() -> None:
    for po_path in catalogues():
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))


def check() -> int:
    problems = []
    for lang in REQUIRED:
        for domain in ("django",):
            path = LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
            if not path.exists():
                problems.append(f"{path.relative_to(ROOT)} is missing")
                continue
            po = polib.pofile(str(path))
            for entry in po:
                if entry.obsolete:
                    continue
                if entry.fuzzy or not entry.translated():
                    problems.append(f"{lang}: untranslated {entry.msgid!r}")
    # Strings in code that are not in the catalogue: extract afresh and compare.
    if shutil.which("xgettext"):
        fresh = _extract()
        po = polib.pofile(str(LOCALE / "fi" / "LC_MESSAGES" / "django.po"))
        known = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
        for msg in fresh:
            if (msg.msgctxt, msg.msgid) not in known:
                problems.append(f"not in the catalogue (run makemessages): {msg.msgid!r}")
    for p in problems:
        print(p)
    print(f"i18n: {len(problems)} problem(s)")
    return 1 if problems else 0


def _extract():
    import os
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp())
    try:
        shutil.copytree(LOCALE, tmp / "locale")
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="perhekeskus.settings")
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "fi",
                "--no-obsolete",
                "-v0",
                "--ignore",
                ".venv/*",
                "--ignore",
                "var/*",
                "--ignore",
                "tests/*",
                "--ignore",
                "bench/*",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        fresh = polib.pofile(str(LOCALE / "fi" / "LC_MESSAGES" / "django.po"))
        return [e for e in fresh if not e.obsolete]
    finally:
        # makemessages rewrote the real catalogue; put it back as it was
        shutil.rmtree(LOCALE)
        shutil.copytree(tmp / "locale", LOCALE)
        shutil.rmtree(tmp)


if __name__ == "__main__":
    if sys.argv[1:] == ["compile"]:
        compile_all()
    elif sys.argv[1:] == ["check"]:
        sys.exit(check())
    else:
        print(__doc__)
        sys.exit(2)
