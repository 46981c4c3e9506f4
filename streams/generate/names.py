"""Person names from many cultures, so NER is measured on more than Anglo names.

Plain data: the generator draws first and last names independently, and the tests
check every PERSON value of the ground truth against these lists.
"""

from __future__ import annotations

import unicodedata

# fmt: off
FIRST_NAMES: tuple[str, ...] = (
    "Amara", "Chidi", "Ngozi", "Kwame", "Abena", "Tendai", "Zanele", "Oluwaseun", "Wei", "Mei",
    "Jun", "Hiroshi", "Yuki", "Haruto", "Sakura", "Min-jun", "Ji-woo", "Priya", "Arjun",
    "Ananya", "Rohan", "Lakshmi", "Imran", "Fatima", "Aisha", "Omar", "Layla", "Yusuf",
    "Mariam", "Tariq", "Noor", "Dmitri", "Olga", "Sergei", "Anastasia", "Łukasz", "Agnieszka",
    "Tomasz", "Zofia", "Søren", "Ingrid", "Freya", "Lars", "Astrid", "Matteo", "Giulia",
    "Lorenzo", "Chiara", "José", "María", "Alejandro", "Lucía", "Thiago", "Camila", "Mateus",
    "Beatriz", "François", "Chloé", "Étienne", "Manon", "Jürgen", "Lena", "Maximilian", "Zoë",
    "Siobhan", "Ciarán", "Aoife", "Emily", "James", "Olivia", "Michael", "Sarah", "David",
    "Grace", "Huong", "Thanh", "Linh", "Bao", "Keanu", "Leilani", "Tane", "Aroha", "Kemal",
    "Elif", "Emre", "Zeynep", "Yael", "Avi", "Noa", "Ravi",
)

LAST_NAMES: tuple[str, ...] = (
    "Okafor", "Adeyemi", "Mensah", "Boateng", "Moyo", "Dlamini", "Nwosu", "Abebe", "Chen",
    "Wang", "Li", "Tanaka", "Suzuki", "Watanabe", "Kim", "Park", "Choi", "Sharma", "Patel",
    "Iyer", "Reddy", "Khan", "Haddad", "Nasser", "Rahman", "Farouk", "Hosseini", "Petrov",
    "Ivanova", "Sokolov", "Kowalski", "Nowak", "Wiśniewska", "Jensen", "Nielsen", "Lindqvist",
    "Andersson", "Haugen", "Rossi", "Bianchi", "Esposito", "Romano", "García", "Fernández",
    "López", "Martínez", "Silva", "Santos", "Oliveira", "Dubois", "Lefèvre", "Moreau", "Müller",
    "Schröder", "Becker", "Wagner", "O'Brien", "Murphy", "Gallagher", "Smith", "Johnson",
    "Williams", "Brown", "Taylor", "Nguyễn", "Trần", "Phạm", "Kahale", "Ngata", "Parata",
    "Yılmaz", "Demir", "Çelik", "Cohen", "Levi", "Mizrahi", "Van der Berg", "De Vries",
    "Janssen", "Novák", "Horváth", "Popescu",
)
# fmt: on

_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss", "đ": "d"})


def ascii_fold(name: str) -> str:
    """Lower-case ASCII letters only, for e-mail local parts built from a name."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
    return "".join(ch for ch in decomposed.lower() if "a" <= ch <= "z")
