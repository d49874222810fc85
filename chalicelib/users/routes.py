from chalice import Blueprint

from chalicelib.auth import service as auth
from chalicelib.auth.current import current_principal
from chalicelib.auth.schemas import PasswordChange
from chalicelib.core.http import no_content, parse_body
from chalicelib.orgs import service as orgs
from chalicelib.orgs.schemas import OrgOut
from chalicelib.users import service
from chalicelib.users.schemas import ProfileUpdate, UserOut

bp = Blueprint(__name__)


@bp.route("/users/me", methods=["GET"])
def get_profile():
    principal = current_principal(bp.current_request)
    return UserOut.of(service.get(user_id=principal.user_id)).dump()


@bp.route("/users/me", methods=["PUT"])
def update_profile():
    principal = current_principal(bp.current_request)
    user = service.update_profile(principal=principal, changes=parse_body(bp.current_request, ProfileUpdate))
    return UserOut.of(user).dump()


@bp.route("/users/me/password", methods=["PUT"])
def change_password():
    principal = current_principal(bp.current_request)
    auth.change_password(principal=principal, body=parse_body(bp.current_request, PasswordChange))
    return no_content()


@bp.route("/me", methods=["GET"])
def me():
    principal = current_principal(bp.current_request)
    org, role = orgs.get(principal=principal, org_id=principal.org_id)
    return {
        "user": UserOut.of(service.get(user_id=principal.user_id)).dump(),
        "workspace": OrgOut.of(org, role=role).dump(),
    }
