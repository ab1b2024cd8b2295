"""Cost Anomaly Detection for the tests' local AWS: moto 5.2.5 has no anomaly API.

Written from the Billing and Cost Management API Reference (Cost Explorer, ``AWSInsightsIndexService``):
CreateAnomalyMonitor, GetAnomalyMonitors, UpdateAnomalyMonitor, DeleteAnomalyMonitor,
CreateAnomalySubscription, GetAnomalySubscriptions, UpdateAnomalySubscription and
DeleteAnomalySubscription, with the checks the reference and the Cost Management User Guide state:

- one AWS managed (``DIMENSIONAL``) monitor per dimension and account ("AWS managed monitor for AWS
  services per account ... 1", "Quotas and restrictions"), refused as the service refuses it:
  ``ValidationException`` "Limit exceeded on dimensional spend monitor creation";
- ``MonitorDimension`` only for ``DIMENSIONAL`` monitors, ``MonitorSpecification`` only for ``CUSTOM``;
- a subscription names existing monitors of the account; ``IMMEDIATE`` notifications go to SNS only
  ("Notifications are sent either over email (for DAILY and WEEKLY frequencies) or SNS (for
  IMMEDIATE frequency)"); ``Threshold`` and ``ThresholdExpression`` not both, one of them given;
  an expression's dimensions are ``ANOMALY_TOTAL_IMPACT_ABSOLUTE`` or ``..._PERCENTAGE`` with
  ``GREATER_THAN_OR_EQUAL`` and values from 0 to 10,000,000,000;
- ``ResourceTags`` go to Cost Explorer's tagging (ListTagsForResource), which moto has.

What it cannot show: detection itself (no spend, no anomaly, no notification is ever sent), the
SNS topic's and key's policies (moto evaluates neither; tools/policies proves them), and
``LINKED_ACCOUNT``, ``TAG`` and ``COST_CATEGORY`` AWS managed monitors (provider 5.100 cannot make them).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from moto.ce.models import CostExplorerBackend
from moto.ce.responses import CostExplorerResponse
from moto.core.exceptions import JsonRESTError

MAX_THRESHOLD = 10_000_000_000
IMPACT_KEYS = ("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "ANOMALY_TOTAL_IMPACT_PERCENTAGE")


class ValidationError(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)


def _store(backend: CostExplorerBackend) -> dict[str, dict[str, Any]]:
    """The backend's monitors and subscriptions, by ARN (a reset makes a new backend, and new stores)."""
    if not hasattr(backend, "anomaly_store"):
        backend.anomaly_store = {"monitors": {}, "subscriptions": {}}  # type: ignore[attr-defined]
    store: dict[str, dict[str, Any]] = backend.anomaly_store  # type: ignore[attr-defined]
    return store


def _arn(response: CostExplorerResponse, kind: str) -> str:
    return f"arn:{response.partition}:ce::{response.current_account}:{kind}/{uuid.uuid4()}"


def _params(response: CostExplorerResponse) -> dict[str, Any]:
    params: dict[str, Any] = json.loads(response.body or "{}")
    return params


def _check_monitor(monitor: dict[str, Any], monitors: dict[str, Any]) -> None:
    kind = monitor.get("MonitorType")
    if kind == "DIMENSIONAL":
        if "MonitorSpecification" in monitor or not monitor.get("MonitorDimension"):
            raise ValidationError("A DIMENSIONAL monitor takes a MonitorDimension and no MonitorSpecification")
        if any(
            other["MonitorType"] == "DIMENSIONAL" and other["MonitorDimension"] == monitor["MonitorDimension"]
            for other in monitors.values()
        ):
            raise ValidationError("Limit exceeded on dimensional spend monitor creation")
    elif kind == "CUSTOM":
        if "MonitorDimension" in monitor or not monitor.get("MonitorSpecification"):
            raise ValidationError("A CUSTOM monitor takes a MonitorSpecification and no MonitorDimension")
    else:
        raise ValidationError(f"MonitorType must be DIMENSIONAL or CUSTOM, not {kind!r}")


def _check_expression(expression: dict[str, Any]) -> None:
    children = [*expression.get("And", []), *expression.get("Or", [])]
    for child in children:
        _check_expression(child)
    if children:
        return
    dimension = expression.get("Dimensions")
    if not dimension or dimension.get("Key") not in IMPACT_KEYS:
        raise ValidationError(f"ThresholdExpression dimensions are {' or '.join(IMPACT_KEYS)}")
    if dimension.get("MatchOptions") != ["GREATER_THAN_OR_EQUAL"]:
        raise ValidationError("The match option GREATER_THAN_OR_EQUAL is required")
    for value in dimension.get("Values", []):
        if not 0 <= float(value) <= MAX_THRESHOLD:
            raise ValidationError(f"Values must be numbers between 0 and {MAX_THRESHOLD}")


def _check_subscription(subscription: dict[str, Any], monitors: dict[str, Any]) -> None:
    unknown = [arn for arn in subscription.get("MonitorArnList", []) if arn not in monitors]
    if unknown:
        raise JsonRESTError("UnknownMonitorException", f"Cost anomaly monitor {unknown[0]} does not exist")
    kinds = {subscriber.get("Type") for subscriber in subscription.get("Subscribers", [])}
    if subscription.get("Frequency") == "IMMEDIATE" and kinds != {"SNS"}:
        raise ValidationError("IMMEDIATE notifications go to SNS subscribers only")
    if subscription.get("Frequency") != "IMMEDIATE" and "SNS" in kinds:
        raise ValidationError("SNS subscribers take IMMEDIATE notifications only")
    threshold, expression = subscription.get("Threshold"), subscription.get("ThresholdExpression")
    if (threshold is None) == (expression is None):
        raise ValidationError("One of Threshold or ThresholdExpression is required, and not both")
    if expression is not None:
        _check_expression(expression)


def create_anomaly_monitor(self: CostExplorerResponse) -> str:
    params = _params(self)
    monitors = _store(self.ce_backend)["monitors"]
    monitor = dict(params["AnomalyMonitor"])
    _check_monitor(monitor, monitors)
    arn = _arn(self, "anomalymonitor")
    monitor.update(MonitorArn=arn, CreationDate="2026-12-04", LastUpdatedDate="2026-12-04")
    monitors[arn] = monitor
    if params.get("ResourceTags"):
        self.ce_backend.tag_resource(arn, params["ResourceTags"])
    return json.dumps({"MonitorArn": arn})


def get_anomaly_monitors(self: CostExplorerResponse) -> str:
    wanted = _params(self).get("MonitorArnList") or []
    monitors = _store(self.ce_backend)["monitors"]
    missing = [arn for arn in wanted if arn not in monitors]
    if missing:
        raise JsonRESTError("UnknownMonitorException", f"Cost anomaly monitor {missing[0]} does not exist")
    return json.dumps({"AnomalyMonitors": [monitors[arn] for arn in (wanted or monitors)]})


def update_anomaly_monitor(self: CostExplorerResponse) -> str:
    params = _params(self)
    monitors = _store(self.ce_backend)["monitors"]
    if params["MonitorArn"] not in monitors:
        raise JsonRESTError("UnknownMonitorException", f"Cost anomaly monitor {params['MonitorArn']} does not exist")
    if params.get("MonitorName"):
        monitors[params["MonitorArn"]]["MonitorName"] = params["MonitorName"]
    return json.dumps({"MonitorArn": params["MonitorArn"]})


def delete_anomaly_monitor(self: CostExplorerResponse) -> str:
    arn = _params(self)["MonitorArn"]
    if _store(self.ce_backend)["monitors"].pop(arn, None) is None:
        raise JsonRESTError("UnknownMonitorException", f"Cost anomaly monitor {arn} does not exist")
    return json.dumps({})


def create_anomaly_subscription(self: CostExplorerResponse) -> str:
    params = _params(self)
    store = _store(self.ce_backend)
    subscription = dict(params["AnomalySubscription"])
    _check_subscription(subscription, store["monitors"])
    arn = _arn(self, "anomalysubscription")
    subscription.update(SubscriptionArn=arn, AccountId=self.current_account)
    store["subscriptions"][arn] = subscription
    if params.get("ResourceTags"):
        self.ce_backend.tag_resource(arn, params["ResourceTags"])
    return json.dumps({"SubscriptionArn": arn})


def get_anomaly_subscriptions(self: CostExplorerResponse) -> str:
    params = _params(self)
    subscriptions = _store(self.ce_backend)["subscriptions"]
    wanted = params.get("SubscriptionArnList") or []
    missing = [arn for arn in wanted if arn not in subscriptions]
    if missing:
        raise JsonRESTError("UnknownSubscriptionException", f"Cost anomaly subscription {missing[0]} does not exist")
    found = [subscriptions[arn] for arn in (wanted or subscriptions)]
    if params.get("MonitorArn"):
        found = [s for s in found if params["MonitorArn"] in s["MonitorArnList"]]
    return json.dumps({"AnomalySubscriptions": found})


def update_anomaly_subscription(self: CostExplorerResponse) -> str:
    params = _params(self)
    store = _store(self.ce_backend)
    arn = params.pop("SubscriptionArn")
    if arn not in store["subscriptions"]:
        raise JsonRESTError("UnknownSubscriptionException", f"Cost anomaly subscription {arn} does not exist")
    updated = {**store["subscriptions"][arn], **params}
    if "ThresholdExpression" in params:
        updated.pop("Threshold", None)
    _check_subscription(updated, store["monitors"])
    store["subscriptions"][arn] = updated
    return json.dumps({"SubscriptionArn": arn})


def delete_anomaly_subscription(self: CostExplorerResponse) -> str:
    arn = _params(self)["SubscriptionArn"]
    if _store(self.ce_backend)["subscriptions"].pop(arn, None) is None:
        raise JsonRESTError("UnknownSubscriptionException", f"Cost anomaly subscription {arn} does not exist")
    return json.dumps({})


def install() -> None:
    """Add the anomaly API to moto's Cost Explorer responses (in the server's process)."""
    for handler in (
        create_anomaly_monitor,
        get_anomaly_monitors,
        update_anomaly_monitor,
        delete_anomaly_monitor,
        create_anomaly_subscription,
        get_anomaly_subscriptions,
        update_anomaly_subscription,
        delete_anomaly_subscription,
    ):
        setattr(CostExplorerResponse, handler.__name__, handler)
