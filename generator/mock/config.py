"""What the simulator is told rather than what it can read from the specs.

Everything here is either a credential or a fact only the vendor's server knows (blacklists,
campaign states, existing tasks, quotas). Each one is off / empty by default, so a simulator
started with no options does only what the documents describe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from outbound._runtime.signing import AUTH_V2_VARIANTS, DEFAULT_AUTH_V2_VARIANT, AuthV2Variant

CAMPAIGN_STATES = ("idle", "running", "finished", "absent")
"""Huawei campaign states the simulator knows.

idle: exists and is not running (numbers may be added and deleted) — the default;
running: an ongoing task (adds → 0200019, deletes → 0200028);
finished: a complete task (adds → 0200019, deletes → 0200028);
absent: does not exist (→ 0200007).
"""


class MockConfigError(ValueError):
    """An option the simulator cannot use; the message says which and why."""


@dataclass
class Fault:
    """Answer requests of one operation with a documented code instead of serving them."""

    code: str
    remaining: int | None = None  # None: every request; N: the next N requests


@dataclass
class MockConfig:
    """Options of one simulator (shared by every service; each reads what concerns it)."""

    seed: int = 0
    # credentials -------------------------------------------------------------------------
    tokens: tuple[str, ...] = ()
    """body_token services: accepted tokens. Empty: any non-empty string token is accepted."""
    access_keys: dict[str, str] = field(default_factory=dict)
    """huawei_auth_v2: AK → SK. Empty: only the form of the Authorization header is checked."""
    public_keys: dict[str, bytes] = field(default_factory=dict)
    """rsa_sha256_headers: appId → public key (PEM or base64 DER). Empty: every appId → 10002."""
    max_skew: float | None = None
    """Seconds a signature's timestamp may differ from the simulator's clock (None: unchecked)."""
    auth_variant: AuthV2Variant = DEFAULT_AUTH_V2_VARIANT
    """huawei_auth_v2: the signing variant verified (one of outbound's AUTH_V2_VARIANTS)."""
    # Huawei CC-iSales ---------------------------------------------------------------------
    blacklist: frozenset[str] = frozenset()
    pending_limit: int | None = None
    campaigns: dict[tuple[int | None, int], str] = field(default_factory=dict)
    """(vdnId or None for any VDN, campaignId) → one of CAMPAIGN_STATES."""
    known_campaigns_only: bool = False
    """True: a campaign not listed in `campaigns` is absent (0200007) instead of idle."""
    allow_repeat_numbers: bool = False
    """True: a number already pending in the campaign may be added again."""
    anonymous_refusals: bool = False
    """True: refusals of numbers (0200024 blacklisted, 0200018 already pending) give the
    documented text only, without naming the numbers: the documents do not say that the
    server's resultDesc names them, and a client must cope when it does not."""
    # Yantong group call -------------------------------------------------------------------
    tasks: dict[str, str] = field(default_factory=dict)
    """Task id → name: the tasks that exist (none by default)."""
    push_callbacks: bool = False
    answer_rate: float = 1.0
    # every service -------------------------------------------------------------------------
    faults: dict[str, Fault] = field(default_factory=dict)
    """Operation id → documented code to answer with (after authentication)."""
    min_interval: float | None = None
    """Seconds required between two calls of an operation with a documented min_interval
    (Huawei's adds: 1 s), per caller. None: as documented. For tests that must not wait the
    documented pace (a client with pacing off); 0 turns the check off."""

    def __post_init__(self) -> None:
        for key, state in self.campaigns.items():
            if state not in CAMPAIGN_STATES:
                raise MockConfigError(
                    f"campaign {key[1]}: unknown state {state!r} "
                    f"(one of {', '.join(CAMPAIGN_STATES)})"
                )
        if not 0.0 <= self.answer_rate <= 1.0:
            raise MockConfigError("answer rate must be between 0 and 1")
        if self.min_interval is not None and not self.min_interval >= 0:
            raise MockConfigError("min interval must be >= 0 seconds")
        if self.pending_limit is not None and self.pending_limit < 0:
            raise MockConfigError("pending limit must be >= 0")
        if any(not t for t in self.tokens):
            raise MockConfigError("a token must be non-empty")
        if self.auth_variant not in AUTH_V2_VARIANTS:
            raise MockConfigError(
                f"unknown auth-v2 variant {self.auth_variant!r} "
                f"(one of {', '.join(AUTH_V2_VARIANTS)})"
            )
