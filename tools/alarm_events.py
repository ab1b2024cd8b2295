"""Alarm messages read back: the documented alarm event, EventBridge's input transformation,
and the console link parsed into its parts (the tests and the examples in docs/alerts.md use them)."""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any


def alarm_event(account: str, region: str, alarm: str, *, state: str, reason: str, time: str) -> dict[str, Any]:
    """A "CloudWatch Alarm State Change" event as the CloudWatch User Guide shows it ("Alarm
    events and EventBridge", Single Metric Alarm)."""
    return {
        "version": "0",
        "id": "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
        "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch",
        "account": account,
        "time": time,
        "region": region,
        "resources": [f"arn:aws:cloudwatch:{region}:{account}:alarm:{alarm}"],
        "detail": {
            "alarmName": alarm,
            "state": {"value": state, "reason": reason, "timestamp": "2026-11-30T06:08:11.985+0000"},
            "previousState": {"value": "OK", "reason": "", "timestamp": "2026-11-29T06:08:11.985+0000"},
            "configuration": {"description": "...", "metrics": []},
        },
    }


def _path(event: dict[str, Any], path: str) -> Any:
    value: Any = event
    for part in path.removeprefix("$.").split("."):
        value = value[part]
    return value


def transformed(template: str, paths: dict[str, str], event: dict[str, Any]) -> str:
    """What EventBridge sends the topic for a text template: the template as it is, each
    ``<field>`` replaced by its value (an object or a list as JSON)."""
    for field, path in paths.items():
        value = _path(event, path)
        template = template.replace(f"<{field}>", value if isinstance(value, str) else json.dumps(value))
    return template


def message_lines(message: str) -> list[str]:
    """The text of each line of a message made of quoted lines (``alarm_messages.quoted_line``);
    fails unless every line is one JSON string."""
    lines: list[str] = [json.loads(line) for line in message.split("\n")]
    assert all(isinstance(line, str) for line in lines), message
    return lines


def console_link(message: str) -> dict[str, str]:
    """The one console URL of ``message``, read back: host, path, region, and the fragment's
    log group, filter pattern and start."""
    (url,) = re.findall(r'https://[^\s"]+', message)
    parts = urllib.parse.urlsplit(url)
    view, _, rest = parts.fragment.partition(":")
    # The fragment is percent-encoded with "$" for "%".
    decoded = urllib.parse.unquote(rest.replace("$", "%"))
    path, _, query = decoded.partition("?")
    prefix, group, tail = path.rsplit("/", 2)
    values = urllib.parse.parse_qs(query, keep_blank_values=True)
    assert (view, prefix, tail) == ("logsV2", "log-groups/log-group", "log-events")
    assert set(values) == {"filterPattern", "start"}
    return {
        "host": parts.netloc,
        "path": parts.path,
        "region": urllib.parse.parse_qs(parts.query)["region"][0],
        "log_group": urllib.parse.unquote(group),
        "pattern": values["filterPattern"][0],
        "start": values["start"][0],
    }
