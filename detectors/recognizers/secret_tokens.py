"""SECRET: credentials whose vendor prefix makes them unmistakable.

AWS access key ids (AKIA/ASIA...), GitHub tokens (ghp_/gho_/ghu_/ghs_/ghr_,
github_pat_), Slack tokens (xoxb-/xoxp-/...) and webhooks, Stripe secret and
restricted keys, Google API keys, GitLab and npm tokens, OpenAI/Anthropic keys. The
prefix plus the length is the evidence, so the score is high without context.
Case-sensitive: `akia...` in lower case is not an AWS key id.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers._base import CASE_SENSITIVE, ConstantRecognizer

_B = r"(?<![A-Za-z0-9_\-])"
_E = r"(?![A-Za-z0-9_\-])"


class SecretTokenRecognizer(ConstantRecognizer):
    """API keys and tokens recognisable by their vendor prefix."""

    PATTERNS = [
        Pattern("aws access key id", _B + r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}" + _E, 0.9),
        Pattern("github token", _B + r"gh[pousr]_[A-Za-z0-9]{36,251}" + _E, 0.95),
        Pattern("github fine-grained token", _B + r"github_pat_[A-Za-z0-9_]{22,255}" + _E, 0.95),
        Pattern("slack token", _B + r"xox[bpars]-[A-Za-z0-9\-]{10,250}" + _E, 0.9),
        Pattern(
            "slack webhook",
            r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+",
            0.9,
        ),
        Pattern("stripe key", _B + r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}" + _E, 0.95),
        Pattern("google api key", _B + r"AIza[0-9A-Za-z_\-]{35}" + _E, 0.9),
        Pattern("gitlab token", _B + r"glpat-[A-Za-z0-9_\-]{20,}" + _E, 0.9),
        Pattern("npm token", _B + r"npm_[A-Za-z0-9]{36}" + _E, 0.9),
        Pattern(
            "openai/anthropic key",
            _B + r"sk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_\-]{32,}" + _E,
            0.85,
        ),
    ]

    CONTEXT = ["key", "token", "secret", "credential", "credentials", "api", "apikey"]

    ENTITY = "SECRET"
    NAME = "secret_token"
    FLAGS = CASE_SENSITIVE
