"""The test suite.

The runtime speed-ups are installed here, before any test module or conftest imports cdktf:
they choose the Node.js that jsii starts and what that process preloads (runtime.node,
runtime.fast_load), and both must be set before cdktf starts jsii.
"""

import runtime

runtime.install()
