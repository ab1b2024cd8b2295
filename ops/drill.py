"""``drill``: the fire drill. Exercise every delivery path to the alert topic, then clean up.

- **Alarms**: each alarm of the config is set to ALARM and back (``SetAlarmState``). Its
  own notification (to the alarm-actions topic) must not fail, and its message rule must
  deliver the readable message to the alert topic: its ``Invocations`` counted, no
  ``FailedInvocations``. Expect one email per alarm, each saying it is a drill (the billing
  alarm set back to INSUFFICIENT_DATA sends a second: that state is an alert too).
- **EventBridge**: a temporary rule matching a marked custom event, with the topic as its
  target, gets one event (``PutEvents``); its ``Invocations`` metric must count it and
  ``FailedInvocations`` must stay zero. The rule is deleted afterwards.
- **Topic**: one marked test message is published.
- **Budgets**: AWS Budgets notifications cannot be triggered on demand; reported as a
  manual check, never as a pass.

Everything the drill creates is removed and every alarm it touched is set back, also when
it is interrupted (Ctrl-C) or fails half-way: :class:`Drill` is a context manager whose
exit undoes what was done.
"""

from __future__ import annotations

import datetime
import json
import signal
import threading
import time
import uuid
from collections.abc import Callable
from types import TracebackType

from botocore.exceptions import BotoCoreError, ClientError

from app.config import BaselineConfig
from ops.aws import (
    SDK_FAILURES,
    Aws,
    action_history,
    failure_line,
    is_failure,
    metric_alarms,
    rule_metric,
    unreadable_fix,
)
from ops.report import Result, Status, aws_error, failed, passed
from ops.verify import Expected, span, topic_arn, topic_refuses

#: The ``source`` of the drill's event (custom sources must not start with ``aws.``).
DRILL_SOURCE = "management-account-baseline.drill"
DRILL_DETAIL_TYPE = "Fire drill"


#: The longest marker: the rule's name, ``<prefix>-drill-<marker>``, stays within EventBridge's 64.
MAX_MARKER = 32


def new_marker() -> str:
    """A marker that names one drill in every message it sends."""
    return uuid.uuid4().hex[:12]


def rule_name(prefix: str, marker: str) -> str:
    """The drill's temporary rule: never a name the baseline gives (those never contain ``-drill-``)."""
    return f"{prefix}-drill-{marker}"


class DrillCleanUpError(RuntimeError):
    """The drill could not undo something it did; the message says what is left."""


class Drill:
    """One fire drill against the deployed baseline of ``config``.

    Use it as a context manager: leaving the block (normally, on an error, or on Ctrl-C)
    sets back the alarms it set and deletes the rule it created.
    """

    def __init__(
        self,
        config: BaselineConfig,
        aws: Aws,
        *,
        marker: str | None = None,
        wait: datetime.timedelta = datetime.timedelta(minutes=3),
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.expected = Expected.of(config)
        self.aws = aws
        self.marker = marker or new_marker()
        self.wait = wait
        #: Seconds between two reads of what CloudWatch recorded.
        self.poll = min(10.0, wait.total_seconds() / 5)
        #: "Incoming events might not immediately start matching to new or updated rules"
        #: (EventBridge API reference, PutRule): the pause before the drill's event.
        self.settle = min(15.0, wait.total_seconds())
        self.progress = progress or (lambda _label: None)
        self.rule_name = rule_name(self.expected.names.prefix, self.marker)
        #: Alarms set to ALARM and not yet set back: name -> the state to restore.
        self._to_restore: dict[str, str] = {}
        self._rule_created = False

    # -- plan ---------------------------------------------------------------------------

    def plan(self) -> list[Result]:
        """What :meth:`run` would do, one line each (``--dry-run``)."""
        planned = Status.PLANNED
        results = [
            Result(
                f"alarm {name}",
                planned,
                "would set it to ALARM and back, then read its history and its message rule's invocations",
            )
            for name in self.expected.alarms
        ]
        results.append(
            Result(
                "EventBridge",
                planned,
                f"would create rule {self.rule_name} targeting the topic, send one {DRILL_SOURCE} event, "
                "read its Invocations and FailedInvocations, and delete the rule",
            )
        )
        results.append(Result("topic", planned, f"would publish one test message marked {self.marker}"))
        results += self._manual_results()
        return results

    # -- run ------------------------------------------------------------------------------

    def __enter__(self) -> Drill:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self.clean_up()
        except DrillCleanUpError as problem:
            if error is None:
                raise
            # The error that ended the drill (a Ctrl-C, a failed call) goes on; what was left is said.
            error.add_note(f"drill clean-up: {problem}")

    def run(self) -> list[Result]:
        """Every step in order; a step the account refuses is a failure of its own."""
        self.started = datetime.datetime.now(datetime.UTC)
        results: list[Result] = []
        for label, step in (
            ("alarms", self.drill_alarms),
            ("EventBridge", self.drill_rule),
            ("topic", self.drill_topic),
        ):
            self.progress(label)
            try:
                results += step()
            except (ClientError, BotoCoreError) as error:
                fix = unreadable_fix(error, self.aws, self.expected.config.name_prefix)
                results.append(failed(label, aws_error(error), fix))
        results += self._manual_results()
        return results

    def _message(self, what: str) -> str:
        return (
            f"[DRILL] Fire drill {self.marker} of the management account baseline: {what}. "
            "This is a test, not an incident; nothing needs doing."
        )

    def drill_alarms(self) -> list[Result]:
        cloudwatch = self.aws.client("cloudwatch")
        alarms = metric_alarms(self.aws, self.expected.alarms)
        existing = {name: alarm["StateValue"] for name, alarm in alarms.items()}
        results: list[Result] = []
        for name in self.expected.alarms:
            if name not in existing:
                results.append(failed(f"alarm {name}", "does not exist", "deploy the baseline with this config"))
                continue
            self._to_restore[name] = existing[name]
            # Actions run on a change of state only: an alarm already in ALARM goes to OK first.
            for state in ("OK", "ALARM"):
                cloudwatch.set_alarm_state(
                    AlarmName=name, StateValue=state, StateReason=self._message(f"alarm {name} set to {state}")
                )
        for name in list(self._to_restore):
            self._set_back(name)  # a failure ends the drill; its clean-up tries again
        actions = self._alarm_actions(list(existing))
        messages = self._deliveries(list(existing))
        for name in existing:
            failures = [summary for summary in actions[name] if is_failure(summary)]
            delivered, failed_deliveries = messages[name]
            item = f"alarm {name}"
            if failures:
                results.append(failed(item, f"its notification failed: {failures[0]}", topic_refuses("CloudWatch")))
            elif not actions[name]:
                results.append(
                    failed(
                        item,
                        f"set to ALARM and back, but no action was recorded within {span(self.wait)}",
                        f"enable its actions: aws cloudwatch enable-alarm-actions --alarm-names {name}",
                    )
                )
            elif failed_deliveries:
                results.append(
                    failed(
                        item,
                        f"{failed_deliveries:g} failed invocations of its message rule {name}",
                        topic_refuses("EventBridge"),
                    )
                )
            elif not delivered:
                results.append(
                    failed(
                        item,
                        f"no invocation of its message rule {name} counted within {span(self.wait)}",
                        f"re-apply the baseline (the rule may be missing or disabled: aws events describe-rule "
                        f"--name {name}), or run the drill again with a longer --wait",
                    )
                )
            else:
                results.append(
                    passed(
                        item,
                        f"set to ALARM and back: its message reached the topic ({delivered:g} invocation, 0 failed); "
                        f"{actions[name][0]}",
                    )
                )
        return results

    def _deliveries(self, names: list[str]) -> dict[str, tuple[float, float]]:
        """``Invocations`` (which counts failed ones too) and ``FailedInvocations`` of each rule
        since the drill started: polled until every rule counts one, then the failures read once
        more, since the two metrics may arrive a minute apart."""
        deadline = time.monotonic() + self.wait.total_seconds()
        while True:
            counts = {name: self._metric_sum(name, "Invocations") for name in names}
            if all(counts.values()) or time.monotonic() >= deadline:
                break
            time.sleep(self.poll)
        if any(counts.values()):
            time.sleep(self.poll)  # FailedInvocations may arrive a minute after Invocations
        return {name: (counts[name], self._metric_sum(name, "FailedInvocations")) for name in names}

    def _alarm_actions(self, names: list[str]) -> dict[str, list[str]]:
        """The ``Action`` history of each alarm since the drill started, polled until every
        alarm has one (CloudWatch records the notification shortly after the state change)."""
        deadline = time.monotonic() + self.wait.total_seconds()
        while True:
            actions = {name: action_history(self.aws, name, self.started) for name in names}
            if all(actions.values()) or time.monotonic() >= deadline:
                return actions
            time.sleep(self.poll)

    def _set_back(self, name: str) -> None:
        """Set a touched alarm back to the state it had before the drill."""
        state = self._to_restore[name]
        self.aws.client("cloudwatch").set_alarm_state(
            AlarmName=name, StateValue=state, StateReason=self._message(f"alarm {name} set back to {state}")
        )
        del self._to_restore[name]

    def _restore_alarms(self) -> str | None:
        """Set every touched alarm back; one that fails does not stop the others. What is left, if any."""
        errors = []
        for name in list(self._to_restore):
            try:
                self._set_back(name)
            except SDK_FAILURES as error:
                errors.append(f"{name}: {failure_line(error)}")
        return f"could not set back alarms ({'; '.join(errors)}); set them to OK by hand" if errors else None

    def drill_rule(self) -> list[Result]:
        events, item = self.aws.client("events"), "EventBridge"
        pattern = {"source": [DRILL_SOURCE], "detail-type": [DRILL_DETAIL_TYPE], "detail": {"marker": [self.marker]}}
        try:
            events.describe_rule(Name=self.rule_name)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
        else:
            return [failed(item, f"a rule named {self.rule_name} exists already", "run it with another --marker")]
        self._rule_created = True  # before the call: a Ctrl-C during it still deletes the rule
        events.put_rule(
            Name=self.rule_name,
            EventPattern=json.dumps(pattern),
            State="ENABLED",
            Description=f"Fire drill {self.marker}: deleted when the drill ends.",
        )
        events.put_targets(
            Rule=self.rule_name,
            Targets=[
                {
                    "Id": "alert-topic",
                    "Arn": topic_arn(self.aws, self.expected.names.topic),
                    "Input": json.dumps(self._message("an EventBridge rule delivered this event to the alert topic")),
                }
            ],
        )
        time.sleep(self.settle)
        answer = events.put_events(
            Entries=[
                {
                    "Source": DRILL_SOURCE,
                    "DetailType": DRILL_DETAIL_TYPE,
                    "Detail": json.dumps({"marker": self.marker}),
                }
            ]
        )
        if answer.get("FailedEntryCount"):
            return [failed(item, f"PutEvents refused the event: {answer['Entries']}", "check events:PutEvents")]
        invocations, failures = self._deliveries([self.rule_name])[self.rule_name]
        if failures:
            return [
                failed(
                    item,
                    f"{failures:g} failed invocations of {self.rule_name}",
                    topic_refuses("EventBridge"),
                )
            ]
        if not invocations:
            return [
                failed(
                    item,
                    f"no invocation of {self.rule_name} counted within {span(self.wait)}",
                    "EventBridge did not match or deliver the event; run the drill again with a longer --wait",
                )
            ]
        return [passed(item, f"the event reached the topic ({invocations:g} invocation, 0 failed)")]

    def _metric_sum(self, rule: str, metric: str) -> float:
        """``metric`` of ``rule``, per minute, since just before the drill started."""
        start = self.started - datetime.timedelta(minutes=1)
        end = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1)
        return rule_metric(self.aws, rule, metric, start, end, period=60)

    def _delete_rule(self) -> str | None:
        """Delete the drill's rule, if it made one. What is left, if any."""
        if not self._rule_created:
            return None
        events = self.aws.client("events")
        try:
            events.remove_targets(Rule=self.rule_name, Ids=["alert-topic"])
            events.delete_rule(Name=self.rule_name)
        except ClientError as error:  # interrupted before the rule existed: nothing to delete
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                return self._rule_left(error)
        except SDK_FAILURES as error:
            return self._rule_left(error)
        self._rule_created = False
        return None

    def _rule_left(self, error: Exception) -> str:
        return (
            f"could not delete rule {self.rule_name} ({failure_line(error)}); delete it by hand: aws events "
            f"remove-targets --rule {self.rule_name} --ids alert-topic; aws events delete-rule --name {self.rule_name}"
        )

    def drill_topic(self) -> list[Result]:
        answer = self.aws.client("sns").publish(
            TopicArn=topic_arn(self.aws, self.expected.names.topic),
            Subject=f"[DRILL] Management account baseline fire drill {self.marker}",
            Message=self._message("a test message published to the alert topic"),
        )
        return [passed("topic", f"published test message {answer['MessageId']} marked {self.marker}")]

    def _manual_results(self) -> list[Result]:
        """What no API can fire on demand, for a person to check: the budget, and anomaly alerts."""
        config, names = self.expected.config, self.expected.names
        budget = (
            Result("budget", Status.SKIP, "create_budget is off")
            if not config.create_budget
            else Result(
                "budget",
                Status.MANUAL,
                "AWS Budgets notifications cannot be triggered on demand: check in the Billing console that "
                f"budget {names.management_account_charges} notifies the alert topic",
            )
        )
        anomalies = (
            Result("anomaly alerts", Status.SKIP, "billing.anomaly_monitor is off")
            if config.billing.anomaly_monitor == "off"
            else Result(
                "anomaly alerts",
                Status.MANUAL,
                "Cost Anomaly Detection cannot be made to find an anomaly on demand: check in the Cost "
                f"Management console that subscription {names.anomaly_subscription} notifies the alert topic "
                "(./run verify checks its settings)",
            )
        )
        return [budget, anomalies]

    def clean_up(self) -> None:
        """Set back every alarm the drill touched and delete its rule (idempotent).

        A call that fails does not stop the others: :class:`DrillCleanUpError` says, in one line,
        what is left and how to remove it. A second Ctrl-C while it runs is ignored, so the
        clean-up itself is not cut short.
        """
        previous = signal.getsignal(signal.SIGINT) if threading.current_thread() is threading.main_thread() else None
        if previous is not None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            left = [problem for problem in (self._delete_rule(), self._restore_alarms()) if problem]
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if left:
            raise DrillCleanUpError("; ".join(left))
