"""Register the integration tests' support modules (tests/ is not a package).

Each `*_support.py` beside this file is loaded once, by path, under its own name,
so a test module can simply `import gateway_support as gs`.
"""

import importlib.util
import sys
from pathlib import Path

for _path in sorted(Path(__file__).parent.glob("*_support.py")):
    if _path.stem not in sys.modules:
        _spec = importlib.util.spec_from_file_location(_path.stem, _path)
        assert _spec is not None and _spec.loader is not None
        _module = importlib.util.module_from_spec(_spec)
        sys.modules[_path.stem] = _module
        _spec.loader.exec_module(_module)
