"""Per-service state of the simulator: one small class per vendor service."""

from __future__ import annotations

import importlib

from .base import ServiceState

_CLASSES = {
    "huawei_isales": ("huawei_isales", "HuaweiISalesState"),
    "yantong_groupcall": ("yantong_groupcall", "YantongGroupcallState"),
    "dezhu_speech": ("dezhu_speech", "DezhuSpeechState"),
    "quanshi_event": ("quanshi_event", "QuanshiEventState"),
}


def state_class(service: str) -> type[ServiceState]:
    """The state class of a service; a service without one answers with its examples."""
    found = _CLASSES.get(service)
    if found is None:
        return ServiceState
    module = importlib.import_module(f"{__name__}.{found[0]}")
    cls: type[ServiceState] = getattr(module, found[1])
    return cls


__all__ = ["ServiceState", "state_class"]
