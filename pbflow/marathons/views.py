"""The Stage IV blueprints live in their own modules; create_app registers them all from here."""

from pbflow.marathons.views_exports import bp as exports_bp
from pbflow.marathons.views_marathons import bp as marathons_bp
from pbflow.marathons.views_readiness import bp as readiness_bp
from pbflow.marathons.views_submissions import bp as submissions_bp

BLUEPRINTS = (marathons_bp, readiness_bp, submissions_bp, exports_bp)
