"""The demo network: organisations, units, services and work types of a Varkaus-sized
family centre (seeds/000). Names of organisations and services only; no real person."""

WORKING_HOURS = {"day": (8, 16), "early": (7, 15), "late": (12, 20)}

# (organisation, kind, [(unit, address, [(service, level, sector, [(work type, class, EUR/h)])],
#                        [(profession, count, hours-pattern, home-visits share)])])
NETWORK = [
    (
        "Pohjois-Savon hyvinvointialue",
        "wellbeing_area",
        [
            (
                "Perhetyö",
                "Savontie 22, 78300 Varkaus",
                [
                    (
                        "Perhetyö",
                        "early_support",
                        "social",
                        [
                            ("Tehostettu perhetyö", "direct_client", "62.00"),
                            ("Perhetyö", "direct_client", "55.00"),
                            ("Perhetyön ryhmä", "direct_client", "48.00"),
                        ],
                    )
                ],
                [("family_worker", 14, "day", 0.85)],
            ),
            (
                "Lapsiperheiden kotipalvelu",
                "Savontie 22, 78300 Varkaus",
                [
                    (
                        "Lapsiperheiden kotipalvelu",
                        "early_support",
                        "social",
                        [
                            ("Kotipalvelun käynti", "direct_client", "45.00"),
                            ("Lastenhoitoapu", "direct_client", "42.00"),
                        ],
                    )
                ],
                [("home_help", 10, "early", 0.95)],
            ),
            (
                "Perhesosiaalityö",
                "Kauppakatu 41, 78200 Varkaus",
                [
                    (
                        "Lapsiperheiden sosiaalityö",
                        "early_support",
                        "social",
                        [
                            ("Sosiaalityön tapaaminen", "direct_client", "75.00"),
                            ("Palvelutarpeen arviointi", "direct_client", "80.00"),
                        ],
                    )
                ],
                [("social_worker", 6, "day", 0.35), ("social_counsellor", 4, "day", 0.5)],
            ),
            (
                "Lastensuojelu",
                "Kauppakatu 41, 78200 Varkaus",
                [
                    (
                        "Lastensuojelu",
                        "specialised",
                        "social",
                        [
                            ("Lastensuojelun asiakastapaaminen", "direct_client", "85.00"),
                            ("Lastensuojelutarpeen selvitys", "direct_client", "88.00"),
                        ],
                    )
                ],
                [("social_worker", 8, "day", 0.4)],
            ),
            (
                "Perheneuvola",
                "Ahlströminkatu 9, 78300 Varkaus",
                [
                    (
                        "Kasvatus- ja perheneuvonta",
                        "specialised",
                        "social",
                        [
                            ("Psykologin tapaaminen", "direct_client", "95.00"),
                            ("Perheterapia", "direct_client", "110.00"),
                        ],
                    )
                ],
                [("psychologist", 5, "day", 0.1), ("social_worker", 2, "day", 0.2)],
            ),
            (
                "Äitiys- ja lastenneuvola",
                "Taipaleentie 4, 78250 Varkaus",
                [
                    (
                        "Äitiys- ja lastenneuvola",
                        "promotion",
                        "health",
                        [
                            ("Neuvolakäynti", "direct_client", "70.00"),
                            ("Laaja terveystarkastus", "direct_client", "80.00"),
                            ("Neuvolan kotikäynti", "direct_client", "72.00"),
                        ],
                    )
                ],
                [("public_health_nurse", 10, "day", 0.1)],
            ),
            (
                "Koulu- ja opiskeluterveydenhuolto",
                "Taipaleentie 4, 78250 Varkaus",
                [
                    (
                        "Kouluterveydenhuolto",
                        "promotion",
                        "health",
                        [
                            ("Terveystarkastus", "direct_client", "70.00"),
                            ("Terveydenhoitajan vastaanotto", "direct_client", "65.00"),
                        ],
                    )
                ],
                [("school_nurse", 8, "day", 0.0)],
            ),
            (
                "Lasten ja nuorten mielenterveys- ja päihdetyö",
                "Ahlströminkatu 9, 78300 Varkaus",
                [
                    (
                        "Matalan kynnyksen mielenterveys- ja päihdetyö",
                        "early_support",
                        "health",
                        [("Nuoren tukikäynti", "direct_client", "78.00")],
                    )
                ],
                [("therapist", 3, "day", 0.3)],
            ),
            (
                "Perhekeskuksen yhteiset",
                "Savontie 22, 78300 Varkaus",
                [
                    (
                        "Yhteiset työtehtävät",
                        "promotion",
                        "social",
                        [
                            ("Kirjaaminen", "indirect_client", "0.00"),
                            ("Asiakkaan asioiden hoito", "indirect_client", "0.00"),
                            ("Verkostopalaveri", "meeting", "0.00"),
                            ("Tiimipalaveri", "meeting", "0.00"),
                            ("Matka", "travel", "0.00"),
                            ("Koulutus", "training", "0.00"),
                            ("Muu työ", "other", "0.00"),
                        ],
                    )
                ],
                [],
            ),
        ],
    ),
    (
        "Varkauden kaupunki",
        "municipality",
        [
            (
                "Oppilashuolto",
                "Pirnankatu 5, 78200 Varkaus",
                [
                    (
                        "Koulukuraattoripalvelut",
                        "early_support",
                        "education",
                        [("Kuraattorin tapaaminen", "direct_client", "68.00")],
                    )
                ],
                [("school_social_worker", 5, "day", 0.05)],
            ),
            (
                "Varhaiskasvatus",
                "Ahlströminkatu 17, 78300 Varkaus",
                [
                    (
                        "Varhaiskasvatuksen erityisopetus",
                        "early_support",
                        "education",
                        [("Veon konsultaatio", "direct_client", "60.00")],
                    )
                ],
                [("early_education_teacher", 3, "day", 0.0)],
            ),
            (
                "Nuorisopalvelut",
                "Kauppakatu 29, 78200 Varkaus",
                [("Etsivä nuorisotyö", "promotion", "youth", [("Nuoren ohjaus", "direct_client", "40.00")])],
                [("youth_worker", 4, "late", 0.3)],
            ),
        ],
    ),
    (
        "SOS-Lapsikylä",
        "ngo",
        [
            (
                "Perhekumppanitoiminta",
                "Savontie 22, 78300 Varkaus",
                [
                    (
                        "Perhekumppani",
                        "early_support",
                        "third_sector",
                        [("Perhekumppanin tapaaminen", "direct_client", "40.00")],
                    )
                ],
                [("ngo_worker", 4, "day", 0.8)],
            ),
        ],
    ),
    (
        "Mannerheimin Lastensuojeluliitto, Varkauden yhdistys",
        "ngo",
        [
            (
                "Perhekahvila",
                "Kauppakatu 29, 78200 Varkaus",
                [
                    (
                        "Vertaistuki ja perhekahvila",
                        "promotion",
                        "third_sector",
                        [("Vertaisryhmä", "direct_client", "30.00"), ("Tukihenkilötoiminta", "direct_client", "30.00")],
                    )
                ],
                [("ngo_worker", 2, "late", 0.2)],
            ),
        ],
    ),
    (
        "Varkauden seurakunta",
        "parish",
        [
            (
                "Diakonia ja perhetyö",
                "Kirkkokatu 2, 78200 Varkaus",
                [
                    (
                        "Diakoniatyö",
                        "early_support",
                        "third_sector",
                        [("Diakoniatyön tapaaminen", "direct_client", "35.00")],
                    )
                ],
                [("deacon", 3, "day", 0.5)],
            ),
        ],
    ),
    (
        "Kela",
        "kela",
        [
            ("Kelan palvelupiste", "Kauppakatu 39, 78200 Varkaus", [], []),
        ],
    ),
]

COMPETENCES = [
    "Lapset puheeksi",
    "Nepsy-valmennus",
    "MARAK",
    "Voimaperheet",
    "Ihmeelliset vuodet",
    "Theraplay",
    "Perheterapia",
    "Ero lapsiperheessä",
    "Varhain vanhemmaksi",
    "Vauvaperhetyö",
]

LANGUAGES = [
    ("fi", "suomi"),
    ("sv", "ruotsi"),
    ("en", "englanti"),
    ("ru", "venäjä"),
    ("ar", "arabia"),
    ("so", "somali"),
]

NOTES = [
    "Liukas etupiha",
    "Koira kotona",
    "Ovikoodi kysyttävä puhelimitse",
    "Tulkki mukaan",
    "Pysäköinti pihan perälle",
    "Vauva nukkuu aamupäivisin",
    "Kengät pois eteisessä",
    "Allergiakoti",
]

POSTAL_CODES = ["78200", "78210", "78250", "78300", "78310", "78400", "78850"]


# Kinds of work two services should not do for the same person at the same time (the
# overlap warning of the family's overall picture, docs/metrics.md).
OVERLAP_GROUPS = {
    "Palvelutarpeen arviointi": "assessment",
    "Lastensuojelutarpeen selvitys": "assessment",
    "Tehostettu perhetyö": "family_work",
    "Perhetyö": "family_work",
    "Perhekumppanin tapaaminen": "family_work",
    "Tukihenkilötoiminta": "family_work",
    "Psykologin tapaaminen": "therapy",
    "Perheterapia": "therapy",
    "Nuoren tukikäynti": "therapy",
    "Kotipalvelun käynti": "home_help",
    "Lastenhoitoapu": "home_help",
}

NAMING_REASONS = {
    "own_worker": "Lapsen neuvola tai kouluterveydenhuolto",
    "responsible_worker": "Perheellä on useita palveluita",
    "family_partner": "Perhe toivoi perhekumppania",
}
