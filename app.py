from chalice import Chalice

from chalicelib.core.http import install_error_envelope
from chalicelib.health.routes import bp as health

app = Chalice(app_name="stint")
install_error_envelope(app)

app.register_blueprint(health, url_prefix="/api/v1")
