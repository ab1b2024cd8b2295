"""moto's server over TLS, with bucket policies evaluated as for TLS requests.

    python -m tests.moto_tls_server -H 127.0.0.1 -p PORT --ssl-cert CERT --ssl-key KEY

moto (5.2.5) evaluates bucket policies without the request's condition context and
treats a statement whose condition does not hold as a denial, even for a ``Deny``
statement. A TLS-only bucket policy (``Deny`` when ``aws:SecureTransport`` is ``false``,
as every bucket of this project has) therefore refuses every request, TLS or not. This
server only speaks TLS, so such a statement can never apply to a request it receives:
it leaves those statements out when it checks a bucket policy. The policy stored (and
read back by the tests) is the full one.

moto 5.2.5 also leaves EventBridge's TestEventPattern unimplemented; this server answers
it with moto's own rule matcher (the one that routes PutEvents to targets). Nothing else
of moto is changed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from moto.events.models import EventPattern
from moto.events.responses import EventsHandler
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket
from moto.server import main

TLS_ONLY_CONDITION = {"Bool": {"aws:SecureTransport": "false"}}


def _applies_over_tls(statement: dict[str, Any]) -> bool:
    return not (statement.get("Effect") == "Deny" and statement.get("Condition") == TLS_ONLY_CONDITION)


def _get_permission(self: FakeBucket, action: str, resource: str) -> Any:
    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy)
    statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
    policy["Statement"] = [statement for statement in statements if _applies_over_tls(statement)]
    return IAMPolicy(json.dumps(policy)).is_action_permitted(action, resource)


def _test_event_pattern(self: EventsHandler) -> tuple[str, dict[str, str]]:
    pattern = EventPattern.load(self._get_param("EventPattern"))
    event = json.loads(self._get_param("Event"))
    return json.dumps({"Result": pattern.matches_event(event)}), self.response_headers


if __name__ == "__main__":
    if "--ssl-cert" not in sys.argv:
        sys.exit("moto_tls_server serves TLS only: pass --ssl-cert and --ssl-key")
    FakeBucket.get_permission = _get_permission  # type: ignore[method-assign]
    EventsHandler.test_event_pattern = _test_event_pattern  # type: ignore[assignment,method-assign]
    main(sys.argv[1:])
