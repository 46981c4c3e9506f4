r"""PERSON: names that the words around them announce, without NER.

"Dr. Anan Chaudhry", "Thanks Mateus,", "this is Keanu from Acme", "Reply from Priya
Smith (Support)", "Daughter Aisha accompanies": a title, a greeting, a self
introduction, a signature or a family role followed by capitalized words is a name
whatever its origin, where the small NER model misses names it has rarely seen. After a
plain preposition ("reviewed by Amara Diallo") two capitalized words are needed and
the score is just the threshold; a full name right before "(MRN", "(DOB" or before a
reporting verb at the start of a sentence counts too. Organisation words and stop
words invalidate.
It also gives the pattern-only path (no spaCy) some PERSON recall. Case-sensitive:
the name must be capitalized. `\K` leaves the cue word out of the span while letting the
search start at the cue, which is cheaper than a lookbehind (and PCRE has no
variable-length one).

Linear on hostile text: a name word starts only where no letter is glued before it, its
letters are matched possessively (a word is read once, never split), and every
repetition is bounded, so `Dr. Aaaa ` repeated, a run of capitals or a 40k-character
capitalized run costs one pass.
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from spacy.lang.en.stop_words import STOP_WORDS

from detectors.recognizers._base import CASE_SENSITIVE, ConstantRecognizer
from detectors.wordlists import LABEL_WORDS, ORG_WORDS

_WORD = r"(?<![\p{L}\p{N}_'’\-])\p{Lu}[\p{Lu}'’\-]*+\p{Ll}[\p{L}'’\-]*+"
"""A capitalized word with a lower-case letter: not glued to a word before it, read whole."""
_PARTICLE = r"(?:da|de|del|della|der|den|di|du|dos|van|von|bin|ibn|al|el|la|le|ter|ten)"
NAME = rf"{_WORD}(?:[ ](?:{_PARTICLE}[ ])?{_WORD}){{0,2}}"
"""One to three capitalized words, with the usual lower-case particles between."""
FULL_NAME = rf"{_WORD}(?:[ ](?:{_PARTICLE}[ ])?{_WORD}){{1,2}}(?![ ]\p{{Lu}})"
"""Two or three capitalized words (a given and a family name), not more."""

_TITLES = r"(?:Dr|Mr|Mrs|Ms|Mx|Prof|Sr|Sra|Herr|Frau|Mme|Mlle)\.?"
_GREETINGS = r"(?:Hi|Hello|Hey|Dear|Thanks|Thank you|Cheers|Regards|Best|Sincerely|Welcome)"
_INTRO = r"(?:[Tt]his is|[Mm]y name is|I am|I'm|[Ii]t's)"
_BY = (
    r"(?:[Rr]eply from|[Ss]igned(?: by)?|[Ss]een by|[Rr]eferred by|[Pp]repared by|[Aa]pproved by"
    r"|[Aa]ssigned to|[Ee]scalated to|[Cc]alled by|[Ww]ritten by|[Ss]ubmitted by|[Cc]c)"
)
_PREPOSITIONS = (
    r"(?:by|to|with|from|for|met|of|and|[Aa]ccording to|[Aa]sk|[Aa]sked|told|[Cc]ontact|[Aa]ttn:?"
    r"|[Dd]ear|[Ff]orward(?:ed)? to)"
)
_IDS = r"MRN|[Mm]edical record|DOB|[Dd]ate of birth|[Bb]orn|[Aa]ge[ d]|NPI|SSN|[Pp]atient|ID\b"
_VERBS = (
    r"reports|reported|says|said|writes|wrote|called|asked|mentioned|confirmed|states|stated"
    r"|noted|is seen|was seen|joined|presents|presented|complains|denies|agrees|agreed"
)
_ROLES = (
    r"(?:[Dd]aughter|[Ss]on|[Ww]ife|[Hh]usband|[Pp]artner|[Mm]other|[Ff]ather|[Ss]ister"
    r"|[Bb]rother|[Ss]pouse|[Cc]aregiver|[Gg]uardian|[Nn]urse|[Pp]atient|[Cc]olleague"
    r"|[Mm]anager|[Cc]ustomer|[Cc]lient|[Tt]enant|[Ll]andlord|[Nn]eighbou?r)"
)


class PersonCueRecognizer(ConstantRecognizer):
    """Capitalized names after a title, greeting, introduction, signature or role word."""

    PATTERNS = [
        Pattern("name after a title", rf"\b{_TITLES}[ ]{{1,2}}\K{NAME}", 0.6),
        Pattern(
            "name after a greeting, introduction or signature, or before identifiers",
            rf"\b{_GREETINGS},?[ ]{{1,2}}\K{NAME}(?=[ ]?[,!:.\n\"')]|$)"
            rf"|\b{_INTRO}[ ]{{1,2}}\K{NAME}(?=[ ,.]|$)"
            rf"|\b{_BY}:?[ ]{{1,2}}\K{NAME}"
            rf"|{FULL_NAME}(?=[ ]\((?:{_IDS})\b)",
            0.5,
        ),
        Pattern(
            "name after a role word, or before a reporting verb",
            rf"\b{_ROLES}:?[ ]{{1,2}}\K{NAME}"
            rf"|(?:^|[.!?\n][ ]{{0,2}})\K{FULL_NAME}(?=[ ](?:{_VERBS})\b)",
            0.45,
        ),
        Pattern("full name after a preposition", rf"\b{_PREPOSITIONS}[ ]\K{FULL_NAME}", 0.4),
    ]
    """Four patterns, not one per cue: Presidio's per-pattern overhead dominates here."""

    ENTITY = "PERSON"
    NAME = "person_cue"
    FLAGS = CASE_SENSITIVE

    def invalidate_result(self, pattern_text: str) -> bool:
        """Not a person when a word names an organisation, a field ("Patient Id", "Card
        Number": schema titles and labels) or is a stop word ("The")."""
        words = [w.lower() for w in pattern_text.split()]
        return any(w in ORG_WORDS or w in LABEL_WORDS or w in STOP_WORDS for w in words)
