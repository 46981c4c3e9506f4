r"""SECRET: credentials whose vendor prefix makes them unmistakable.

AWS access key ids (AKIA/ASIA...), GitHub tokens (ghp_/gho_/ghu_/ghs_/ghr_,
github_pat_), Slack tokens (xoxb-/xoxp-/...) and webhooks, Stripe secret and
restricted keys, Google API keys and OAuth secrets, GitLab and npm tokens,
OpenAI/Anthropic keys, Azure storage and Service Bus keys (`AccountKey=`,
`SharedAccessKey=`) and Entra client secrets, Twilio SIDs, SendGrid, Shopify,
Hugging Face, Databricks, Mailgun, PyPI, Docker Hub, DigitalOcean, Vault, Grafana,
Sentry, Telegram bot tokens, age keys. The prefix plus the length (and the alphabet)
is the evidence, so the score is high without context. Case-sensitive: `akia...` in
lower case is not an AWS key id. Every pattern is PCRE-compatible (fixed-width
lookarounds, `\K` for a cue) with no nested unbounded quantifier.
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
        Pattern(
            "azure storage / service bus key",
            r"(?i:\b(?:AccountKey|SharedAccessKey|PrimaryKey|SecondaryKey)\s{0,2}=\s{0,2})\K"
            r"[A-Za-z0-9+/]{40,120}={0,2}(?![A-Za-z0-9+/=])",
            0.95,
        ),
        Pattern(
            "azure entra client secret",
            r"(?<![A-Za-z0-9_~.\-])[A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34}"
            r"(?![A-Za-z0-9_~.\-])",
            0.9,
        ),
        Pattern("twilio sid", _B + r"(?:AC|SK)[0-9a-f]{32}" + _E, 0.85),
        Pattern("sendgrid key", _B + r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}" + _E, 0.95),
        Pattern("shopify token", _B + r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}" + _E, 0.95),
        Pattern("hugging face token", _B + r"hf_[A-Za-z0-9]{30,40}" + _E, 0.9),
        Pattern("databricks token", _B + r"dapi[a-f0-9]{32}(?:-[0-9])?" + _E, 0.9),
        Pattern("mailgun key", _B + r"key-[0-9a-zA-Z]{32}" + _E, 0.85),
        Pattern("google oauth secret", _B + r"GOCSPX-[A-Za-z0-9_\-]{28}" + _E, 0.95),
        Pattern("google oauth token", _B + r"ya29\.[A-Za-z0-9_\-]{30,}" + _E, 0.9),
        Pattern("pypi token", _B + r"pypi-AgE[A-Za-z0-9_\-]{50,}" + _E, 0.95),
        Pattern("docker hub token", _B + r"dckr_pat_[A-Za-z0-9_\-]{27,}" + _E, 0.95),
        Pattern("digitalocean token", _B + r"do[por]_v1_[a-f0-9]{64}" + _E, 0.95),
        Pattern("vault token", _B + r"hv[sb]\.[A-Za-z0-9_\-]{24,}" + _E, 0.9),
        Pattern("grafana token", _B + r"(?:glsa|glc)_[A-Za-z0-9_\-+/=]{32,}" + _E, 0.9),
        Pattern("sentry token", _B + r"sntr[ysu]_[A-Za-z0-9_\-+/=]{40,}" + _E, 0.9),
        Pattern("slack app token", _B + r"xapp-[0-9]-[A-Za-z0-9\-]{20,}" + _E, 0.9),
        Pattern("stripe webhook secret", _B + r"whsec_[A-Za-z0-9]{24,}" + _E, 0.95),
        Pattern("telegram bot token", _B + r"[0-9]{8,10}:AA[A-Za-z0-9_\-]{33}" + _E, 0.9),
        Pattern("age secret key", r"AGE-SECRET-KEY-1[0-9A-Z]{58}" + _E, 0.95),
        Pattern(
            "llm api key",
            _B + r"(?:gsk_[A-Za-z0-9]{48}|r8_[A-Za-z0-9]{37}|pplx-[A-Za-z0-9]{48}"
            r"|xai-[A-Za-z0-9]{60,80})" + _E,
            0.9,
        ),
    ]

    CONTEXT = ["key", "token", "secret", "credential", "credentials", "api", "apikey"]

    def invalidate_result(self, pattern_text: str) -> bool:
        """A Twilio-shaped `AC`/`SK` + 32 hex run that is all digits is a number, not a SID."""
        return pattern_text[:2] in ("AC", "SK") and pattern_text[2:].isdigit()

    ENTITY = "SECRET"
    NAME = "secret_token"
    FLAGS = CASE_SENSITIVE
