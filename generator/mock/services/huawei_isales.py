"""Huawei CC-iSales (002 add / 004 delete outbound numbers): campaigns and their numbers.

State: campaigns keyed by (vdnId, campaignId), each with a state (config.CAMPAIGN_STATES), its
pending numbers (the items of callDataList as added) and the numbers deleted with
archiveHistory 1 (its history table). The simulator places no calls, so every number stays
pending until deleted.

Decisions (where the documents are silent):

* bad or missing credentials: HTTP 401 with a plain-text body and no result code — the
  documents list no authentication failure code, so the simulator invents none (0200001 would
  tell a client "your parameters are wrong");
* a campaign not configured exists and is idle, unless config.known_campaigns_only;
* a number already pending in the campaign is refused like a duplicate within the call
  (0200018, whole call), unless config.allow_repeat_numbers;
* blacklist (0200024), pending limit (0200020) and campaign states refuse the whole call:
  the documents list them as result codes of the call, not per number;
* a refusal of numbers (blacklisted, already pending) names them in resultDesc after the
  documented text, unless config.anonymous_refusals (the documents do not say either way);
* the 1 s interval (0200022) is per AK, from the arrival of one add to the next;
* a path parameter documented as an integer that is not one → 02000008 (conversion error);
* delete: the criteria given are combined with AND; recycleTime without recycleType matches
  the exact time (as recycleType 3); numbers without a recycleTime never match a recycleTime
  criterion; an empty criteria set matches every number of the campaign (the literal reading
  of 004 — the generated client refuses to send it without confirm_delete_all=True).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from ... import ir
from ..calls import Answer, Call
from .base import ServiceState

ADD_STATES = ("idle",)
DELETE_STATES = ("idle",)


@dataclass
class Campaign:
    vdn_id: int
    campaign_id: int
    state: str
    numbers: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    pending: set[str] = field(default_factory=set)  # the called numbers of `numbers`


class HuaweiISalesState(ServiceState):
    auth_code: ClassVar[str | None] = None
    parameter_code: ClassVar[str] = "0200001"

    def __init__(self, sim: Any) -> None:
        super().__init__(sim)
        self.campaigns: dict[tuple[int, int], Campaign] = {}

    # -- configuration and inspection ------------------------------------------------------

    def configured_state(self, vdn_id: int, campaign_id: int) -> str:
        states = self.config.campaigns
        if (vdn_id, campaign_id) in states:
            return states[(vdn_id, campaign_id)]
        if (None, campaign_id) in states:
            return states[(None, campaign_id)]
        return "absent" if self.config.known_campaigns_only else "idle"

    def campaign(self, vdn_id: int, campaign_id: int) -> Campaign:
        key = (vdn_id, campaign_id)
        found = self.campaigns.get(key)
        if found is None:
            found = Campaign(vdn_id, campaign_id, self.configured_state(vdn_id, campaign_id))
            self.campaigns[key] = found
        return found

    def set_campaign_state(self, vdn_id: int, campaign_id: int, state: str) -> None:
        """Change a campaign's state at run time (tests, or a console)."""
        with self.sim.lock:
            self.campaign(vdn_id, campaign_id).state = state

    def numbers(self, vdn_id: int, campaign_id: int) -> list[dict[str, Any]]:
        with self.sim.lock:
            found = self.campaigns.get((vdn_id, campaign_id))
            return [dict(n) for n in found.numbers] if found else []

    def snapshot(self) -> dict[str, Any]:
        return {
            "campaigns": [
                {
                    "vdnId": c.vdn_id,
                    "campaignId": c.campaign_id,
                    "state": c.state,
                    "numbers": [dict(n) for n in c.numbers],
                    "history": [dict(n) for n in c.history],
                }
                for c in sorted(self.campaigns.values(), key=lambda c: (c.vdn_id, c.campaign_id))
            ]
        }

    # -- answers ---------------------------------------------------------------------------

    def decorate(self, op: ir.Operation | None, body: dict[str, Any], *, success: bool) -> None:
        # 002 Table 5 / 004 表4: returnCode and returnDesc repeat resultCode and resultDesc
        body["returnCode"] = body.get("resultCode")
        body["returnDesc"] = body.get("resultDesc", "")

    def path_not_integer(self, op: ir.Operation, name: str, text: str) -> Answer | None:
        return self.sim.error("02000008", f"path parameter {name} is not an integer")

    def handle(self, call: Call) -> Answer:
        if call.op.id == "add_call_data":
            return self._add(call)
        if call.op.id == "delete_call_data":
            return self._delete(call)
        return super().handle(call)

    def _add(self, call: Call) -> Answer:
        sim = self.sim
        campaign = self.campaign(call.path_params["vdnId"], call.path_params["campaignId"])
        if campaign.state == "absent":
            return sim.error("0200007", f"campaign {campaign.campaign_id}")
        if campaign.state not in ADD_STATES:
            return sim.error("0200019", f"the campaign is {campaign.state}")
        items: list[dict[str, Any]] = call.body["callDataList"]
        called = [item["called"] for item in items]
        anonymous = self.config.anonymous_refusals
        listed = [c for c in called if c in self.config.blacklist]
        if listed:
            return sim.error("0200024", None if anonymous else ", ".join(listed))
        if not self.config.allow_repeat_numbers:
            repeated = [c for c in called if c in campaign.pending]
            if repeated:
                detail = "already in the campaign: " + ", ".join(repeated)
                return sim.error("0200018", None if anonymous else detail)
        limit = self.config.pending_limit
        if limit is not None and len(campaign.numbers) + len(items) > limit:
            return sim.error("0200020", f"{len(campaign.numbers)} pending, limit {limit}")
        for item in items:
            campaign.numbers.append(dict(item))
            campaign.pending.add(item["called"])
        return sim.success(call.op, extra={"returnObject": {"totalSize": len(campaign.numbers)}})

    def _delete(self, call: Call) -> Answer:
        sim = self.sim
        campaign = self.campaign(call.path_params["vdnId"], call.path_params["campaignId"])
        if campaign.state == "absent":
            return sim.error("0200007", f"campaign {campaign.campaign_id}")
        if campaign.state not in DELETE_STATES:
            return sim.error("0200028", f"the campaign is {campaign.state}")
        body: dict[str, Any] = call.body
        kept: list[dict[str, Any]] = []
        deleted: list[dict[str, Any]] = []
        for number in campaign.numbers:
            (deleted if _matches(number, body) else kept).append(number)
        campaign.numbers = kept
        campaign.pending = {n["called"] for n in kept}
        if body.get("archiveHistory") == 1:
            campaign.history.extend(deleted)
        return sim.success(call.op, extra={"successCount": len(deleted)})


def _matches(number: dict[str, Any], criteria: dict[str, Any]) -> bool:
    for name in ("sessionId", "called", "customField"):
        if name in criteria and number.get(name) != criteria[name]:
            return False
    if "recycleTime" in criteria:
        wanted: str = criteria["recycleTime"]
        have = number.get("recycleTime")
        if not isinstance(have, str):
            return False
        kind = criteria.get("recycleType", "3")
        if kind == "1":  # on or before the given day (精确到天, "及以前")
            return have[:10] <= wanted[:10]
        if kind == "2":  # the given day
            return have[:10] == wanted[:10]
        return have == wanted  # "3": equal
    return True
