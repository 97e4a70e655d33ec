"""pbflow: from a residents' meeting to a correct participatory-budget submission."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from pbflow import config as pbflow_config
from pbflow.extensions import babel, csrf, db, init_migrations, limiter, login_manager


def create_app(test_config=None):
    instance = (test_config or {}).get("INSTANCE_PATH") or pbflow_config.instance_path()
    Path(instance).mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=instance, instance_relative_config=True)
    app.config.from_object(pbflow_config.Defaults)
    if test_config is None:
        app.config.update(pbflow_config.from_environment(instance))
    else:
        app.config.update(test_config)
    from pbflow.core.web.urls import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)

    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)

    from pbflow import cli
    from pbflow.past_results import cli as past_results_cli

    cli.init_app(app)
    past_results_cli.init_app(app)
    from pbflow.feedback import cli as feedback_cli

    feedback_cli.init_app(app)
    return app


def _init_extensions(app):
    from pbflow.core import database, i18n
    from pbflow.core.web import templating

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(
        app.config.get("SQLALCHEMY_DATABASE_URI") or "", app.config.get("SQLALCHEMY_ENGINE_OPTIONS"))
    db.init_app(app)
    with app.app_context():
        database.configure_engine(db.engine)
    init_migrations(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(Path(__file__).resolve().parent / "translations"),
    )
    limiter.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    _import_models()


def _import_models():
    """Every table must be known to SQLAlchemy before Alembic compares or the app queries."""
    from pbflow.accounts import models as _accounts  # noqa: F401
    from pbflow.ambassadors import models as _ambassadors  # noqa: F401
    from pbflow.core import files as _files  # noqa: F401
    from pbflow.core import models as _core  # noqa: F401
    from pbflow.editions import models as _editions  # noqa: F401

    # What each domain keeps about a person: the RODO download and the account eraser read these.
    from pbflow.feedback import exports as _feedback_exports  # noqa: F401
    from pbflow.feedback import models as _feedback  # noqa: F401
    from pbflow.marathons import models as _marathons  # noqa: F401
    from pbflow.meetings import exports as _meeting_exports  # noqa: F401
    from pbflow.meetings import models as _meetings  # noqa: F401
    from pbflow.monitoring import exports as _monitoring_exports  # noqa: F401
    from pbflow.monitoring import models as _monitoring  # noqa: F401
    from pbflow.past_results import models as _past_results  # noqa: F401
    from pbflow.proposals import exports as _proposal_exports  # noqa: F401
    from pbflow.proposals import models as _proposals  # noqa: F401
    from pbflow.proposals import page_stamps as _page_stamps  # noqa: F401  (the public list's stamp triggers)
    from pbflow.proposals import search as _search  # noqa: F401  (creates the search index with the tables)
    from pbflow.proposals import status_counts as _status_counts  # noqa: F401  (and the counts' triggers)
    from pbflow.workshops import exports as _workshop_exports  # noqa: F401
    from pbflow.workshops import models as _workshops  # noqa: F401


def _register_blueprints(app):
    from pbflow.accounts.views import bp as accounts_bp
    from pbflow.accounts.views_users import bp as users_bp
    from pbflow.ambassadors.views import bp as ambassadors_bp
    from pbflow.ambassadors.views_directory import bp as directory_bp
    from pbflow.ambassadors.views_files import bp as files_bp
    from pbflow.ambassadors.views_materials import bp as materials_bp
    from pbflow.ambassadors.views_review import bp as applications_bp
    from pbflow.ambassadors.views_training import bp as training_bp
    from pbflow.core.views_notifications import bp as notifications_bp
    from pbflow.core.web.views import bp as core_bp
    from pbflow.editions.views import bp as editions_bp
    from pbflow.editions.views_areas import bp as districts_bp
    from pbflow.home.views import bp as home_bp

    # The meetings blueprint's routes live in several modules; each must be imported before it is registered.
    from pbflow.meetings.views import day as _meeting_day  # noqa: F401
    from pbflow.meetings.views import discussion as _meeting_discussion  # noqa: F401
    from pbflow.meetings.views import feeds as _meeting_feeds  # noqa: F401
    from pbflow.meetings.views import schedule as _meeting_schedule  # noqa: F401
    from pbflow.meetings.views import signups as _meeting_signups  # noqa: F401
    from pbflow.meetings.views.pages import bp as meetings_bp
    from pbflow.past_results.views import bp as past_results_bp
    from pbflow.proposals.views import drafting as _drafting  # noqa: F401  (routes on proposals_bp)
    from pbflow.proposals.views.authors import bp as proposal_authors_bp
    from pbflow.proposals.views.history import bp as proposal_history_bp
    from pbflow.proposals.views.lists import bp as proposal_lists_bp
    from pbflow.proposals.views.pages import bp as proposals_bp
    from pbflow.proposals.views.transitions import bp as proposal_transitions_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(training_bp)
    app.register_blueprint(materials_bp)
    app.register_blueprint(files_bp)
    app.register_blueprint(ambassadors_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(editions_bp)
    app.register_blueprint(districts_bp)
    app.register_blueprint(past_results_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(proposal_authors_bp)
    app.register_blueprint(proposal_lists_bp)
    app.register_blueprint(proposal_history_bp)
    app.register_blueprint(proposal_transitions_bp)
    app.register_blueprint(notifications_bp)

    from pbflow.feedback import policy as _feedback_policy  # noqa: F401  (registers who else may see a proposal)
    from pbflow.feedback import similar as _similar  # noqa: F401  (registers the similar-proposals section)
    from pbflow.feedback.views.answers import bp as feedback_answers_bp
    from pbflow.feedback.views.feedback import bp as feedback_bp
    from pbflow.feedback.views.routing import bp as feedback_routing_bp
    from pbflow.feedback.views.units import bp as feedback_units_bp
    from pbflow.marathons.views.exports import bp as marathon_exports_bp
    from pbflow.marathons.views.marathons import bp as marathons_bp
    from pbflow.marathons.views.readiness import bp as marathon_readiness_bp
    from pbflow.marathons.views.submissions import bp as marathon_submissions_bp
    from pbflow.monitoring.views import bp as monitoring_bp
    from pbflow.monitoring.views_activities import bp as activities_bp
    from pbflow.monitoring.views_reports import bp as monitoring_reports_bp
    from pbflow.workshops import views as workshop_views

    for blueprint in (feedback_units_bp, feedback_routing_bp, feedback_bp, feedback_answers_bp):
        app.register_blueprint(blueprint)
    for blueprint in workshop_views.BLUEPRINTS:
        app.register_blueprint(blueprint)
    for blueprint in (marathons_bp, marathon_readiness_bp, marathon_submissions_bp, marathon_exports_bp):
        app.register_blueprint(blueprint)
    for blueprint in (monitoring_bp, activities_bp, monitoring_reports_bp):
        app.register_blueprint(blueprint)


def _register_hooks(app):
    from pbflow.accounts.services import load_user_by_login_token
    from pbflow.core.web import errors
    from pbflow.core.web.htmx import add_vary_header
    from pbflow.core.web.permissions import enforce_access_rules
    from pbflow.core.web.security import add_security_headers, refuse_malformed_input

    login_manager.user_loader(load_user_by_login_token)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    app.before_request(refuse_malformed_input)
    app.before_request(enforce_access_rules)
    app.after_request(add_security_headers)
    app.after_request(add_vary_header)
    errors.init_app(app)
