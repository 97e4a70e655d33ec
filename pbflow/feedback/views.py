"""The Stage III blueprints live in their own modules; this one imports them so that create_app
registers every route of the stage in one place."""

from pbflow.feedback import policy as _policy  # noqa: F401  (registers who else may see a proposal)
from pbflow.feedback import similar as _similar  # noqa: F401  (registers the similar-proposals section)
from pbflow.feedback.views_answers import bp as answers_bp
from pbflow.feedback.views_feedback import bp as feedback_bp
from pbflow.feedback.views_routing import bp as routing_bp
from pbflow.feedback.views_units import bp as units_bp

BLUEPRINTS = (units_bp, routing_bp, feedback_bp, answers_bp)
