"""Flask extensions, made once here and bound to the app in create_app()."""

from flask_babel import Babel
from flask_compress import Compress
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
compress = Compress()
