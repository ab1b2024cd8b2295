"""The test suite.

``constructs_lib`` is imported here, before any test module or conftest imports cdktf: it
chooses the Node.js that jsii starts and what that process preloads (constructs_lib._node,
constructs_lib._fast_load), and both must be set before cdktf starts jsii.
"""

import constructs_lib  # noqa: F401
