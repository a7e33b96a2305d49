"""Obviously invented names, drawn deterministically from a seeded random.Random.

Only the speakers named in public sources use real names (see people.NAMED).
"""

import random

# Given names by pool and gender.
GIVEN = {
    ("ca", "male"): [
        "Testbek", "Demojon", "Samplemurod", "Fictorbek", "Stubakhon", "Dummitry",
        "Placeholdzhon", "Exampletdin", "Pseudomir", "Fixturbek", "Mockbai", "Protojon",
        "Draftbek", "Templatjon", "Specimurod", "Trialbek",
    ],
    ("ca", "female"): [
        "Testgul", "Demonisa", "Exampla", "Samplinisso", "Fictoria", "Mockinur",
        "Stubrina", "Dummara", "Fixturakhon", "Pseudolina", "Placeholdina", "Protogul",
        "Draftgul", "Templatina", "Specimanisso", "Trialnur",
    ],
    ("west", "male"): [
        "Testolf", "Demetrix", "Mockwell", "Stubert", "Fixtorio", "Dummond",
        "Pseudoric", "Placeholdo", "Examplo", "Sampelius", "Fictorian", "Protomax",
        "Draftwin", "Templeton", "Specimus", "Trialbert",
    ],
    ("west", "female"): [
        "Exampla", "Fictoria", "Testine", "Demona", "Mockette", "Stubella",
        "Fixturine", "Pseudonia", "Placeholda", "Samplette", "Dummarie", "Protolina",
        "Draftina", "Templata", "Specimena", "Trialette",
    ],
}  # fmt: skip
# Family names: Central Asian / Slavic stems take a gendered ending (-ov/-ova, -ev/-eva).
CA_STEMS = [
    "Demoy", "Fict", "Test", "Sampl", "Mock", "Stub", "Dummiy", "Fixtur",
    "Placehold", "Pseud", "Exampl", "Prototip", "Draft", "Templat", "Specimy", "Trial",
]  # fmt: skip
CA_NEUTRAL = ["Demozoda", "Testzoda", "Samplezoda", "Mockzoda", "Fictozoda"]
WEST_FAMILY = [
    "Placeholder", "Sampleton", "Testwright", "Mockridge", "Fixtureson", "Stubbington",
    "Dummersby", "Examplewood", "Fictionelli", "Demonstratti", "Protocolsen", "Mockenberg",
    "Testerhaus", "Samplissimo", "Stubfield", "Fakeworth",
]  # fmt: skip
CA_COUNTRIES = frozenset(
    {"TJ", "KZ", "KG", "TM", "UZ", "AF", "RU", "BY", "AZ", "AM", "GE", "MD", "UA", "MN"}
)


def pool_for(country: str) -> str:
    return "ca" if country in CA_COUNTRIES else "west"


class NameFactory:
    """Hands out invented names, each used once, with unique (lowercased) e-mail addresses."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.emails: set[str] = set()
        self.full_names: set[tuple[str, str]] = set()

    def reserve(self, email: str) -> str:
        email = email.lower()
        if email in self.emails:
            raise ValueError(f"Duplicate demo e-mail {email}")
        self.emails.add(email)
        return email

    def family(self, pool: str, gender: str) -> str:
        if pool == "west":
            return self.rng.choice(WEST_FAMILY)
        if self.rng.random() < 0.2:
            return self.rng.choice(CA_NEUTRAL)
        stem = self.rng.choice(CA_STEMS)
        ending = "ev" if stem.endswith("y") else "ov"
        return stem + ending + ("a" if gender == "female" else "")

    def person(self, pool: str, domain: str) -> tuple[str, str, str, str]:
        """Return (gender, given names, family name, e-mail)."""
        gender = "female" if self.rng.random() < 0.4 else "male"
        for _attempt in range(50):
            given = self.rng.choice(GIVEN[pool, gender])
            family = self.family(pool, gender)
            email = f"{given}.{family}@{domain}".lower()
            if (given, family) not in self.full_names and email not in self.emails:
                self.full_names.add((given, family))
                return gender, given, family, self.reserve(email)
        raise ValueError(f"Ran out of invented names for {domain}")

    def full_name(self, pool: str) -> str:
        gender = "female" if self.rng.random() < 0.4 else "male"
        return f"{self.rng.choice(GIVEN[pool, gender])} {self.family(pool, gender)}"


# Latin to Cyrillic for the invented Central Asian names, digraphs first.
DIGRAPHS = {"zh": "ж", "kh": "х", "sh": "ш", "ch": "ч", "ts": "ц", "yo": "ё", "yu": "ю", "ya": "я"}
LETTERS = {
    **dict(zip("abvgdezijklmnoprstufhcwq", "абвгдезийклмнопрстуфхквк", strict=True)),
    "x": "кс",
}
VOWELS = set("aeiou")


def cyrillic(name: str) -> str:
    """ "Demojon Testov" -> "Демоджон Тестов": good enough for a badge in the demo."""
    out, i, lower = [], 0, name.lower()
    while i < len(lower):
        pair = lower[i : i + 2]
        if pair in DIGRAPHS:
            letter, step = DIGRAPHS[pair], 2
        elif lower[i] == "j":
            letter, step = "дж", 1
        elif lower[i] == "y":
            near = {lower[i - 1] if i else "", lower[i + 1 : i + 2]}
            letter, step = ("й" if near & VOWELS else "ы"), 1
        else:
            letter, step = LETTERS.get(lower[i], lower[i]), 1
        out.append(letter.capitalize() if name[i].isupper() else letter)
        i += step
    return "".join(out)
