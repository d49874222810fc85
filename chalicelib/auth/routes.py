from chalice import Blueprint

from chalicelib.auth import service
from chalicelib.auth.current import current_principal, request_actor
from chalicelib.auth.schemas import (
    ApiTokenCreate,
    ApiTokenOut,
    ForgotPassword,
    Login,
    RefreshRequest,
    Register,
    ResetPassword,
    SessionOut,
    VerifyEmail,
)
from chalicelib.core.http import credentials, no_content, parse_body
from chalicelib.core.schemas import page_response
from chalicelib.orgs.schemas import InvitationAccept, OrgOut, OrgSwitch
from chalicelib.users.schemas import UserOut

bp = Blueprint(__name__)


def signed_in_body(result: service.SignedIn) -> dict:
    """Tokens plus who and where the caller now is."""
    return {
        "access_token": result.access_token,
        "refresh_token": result.refresh_token,
        "token_type": "Bearer",
        "expires_in": result.expires_in,
        "user": UserOut.of(result.user).dump(),
        "organization": OrgOut.of(result.org, role=result.role).dump(),
    }


@bp.route("/auth/register", methods=["POST"])
def register():
    body = parse_body(bp.current_request, Register)
    return credentials(signed_in_body(service.register(body=body, actor=request_actor(bp.current_request))), 201)


@bp.route("/auth/login", methods=["POST"])
def login():
    body = parse_body(bp.current_request, Login)
    return credentials(signed_in_body(service.login(body=body, actor=request_actor(bp.current_request))))


@bp.route("/auth/refresh", methods=["POST"])
def refresh():
    body = parse_body(bp.current_request, RefreshRequest)
    return credentials(signed_in_body(service.refresh(body=body, actor=request_actor(bp.current_request))))


@bp.route("/auth/logout", methods=["POST"])
def logout():
    principal = current_principal(bp.current_request)
    service.logout(principal=principal, body=parse_body(bp.current_request, RefreshRequest))
    return no_content()


@bp.route("/auth/forgot-password", methods=["POST"])
def forgot_password():
    body = parse_body(bp.current_request, ForgotPassword)
    service.forgot_password(body=body, actor=request_actor(bp.current_request))
    return {"message": "If an account exists for that email, a password reset link has been sent."}


@bp.route("/auth/reset-password", methods=["POST"])
def reset_password():
    service.reset_password(body=parse_body(bp.current_request, ResetPassword))
    return {"message": "Your password has been reset. Sign in with the new password."}


@bp.route("/auth/verify-email", methods=["POST"])
def verify_email():
    service.verify_email(body=parse_body(bp.current_request, VerifyEmail))
    return {"message": "Your email address is verified."}


@bp.route("/auth/sessions", methods=["GET"])
def list_sessions():
    principal = current_principal(bp.current_request)
    sessions = service.list_sessions(principal=principal)
    return page_response([SessionOut.of(s, principal.session_id).dump() for s in sessions], next_cursor=None)


@bp.route("/auth/sessions/{session_id}", methods=["DELETE"])
def revoke_session(session_id):
    service.revoke_session(principal=current_principal(bp.current_request), session_id=session_id)
    return no_content()


@bp.route("/auth/sessions/revoke-others", methods=["POST"])
def revoke_other_sessions():
    revoked = service.revoke_other_sessions(principal=current_principal(bp.current_request))
    return {"revoked": revoked}


@bp.route("/organizations/switch", methods=["POST"])
def switch_organization():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, OrgSwitch)
    result = service.switch_organization(
        principal=principal, org_id=body.organization_id, actor=request_actor(bp.current_request)
    )
    return credentials(signed_in_body(result))


@bp.route("/invitations/accept", methods=["POST"])
def accept_invitation():
    body = parse_body(bp.current_request, InvitationAccept)
    result = service.accept_invitation(
        token=body.token, name=body.name, password=body.password, actor=request_actor(bp.current_request)
    )
    return credentials(signed_in_body(result))


@bp.route("/api-tokens", methods=["GET"])
def list_api_tokens():
    tokens = service.list_api_tokens(principal=current_principal(bp.current_request))
    return page_response([ApiTokenOut.of(token).dump() for token in tokens], next_cursor=None)


@bp.route("/api-tokens", methods=["POST"])
def create_api_token():
    principal = current_principal(bp.current_request)
    token, secret = service.create_api_token(principal=principal, body=parse_body(bp.current_request, ApiTokenCreate))
    return credentials({**ApiTokenOut.of(token).dump(), "token": secret}, 201)


@bp.route("/api-tokens/{token_id}", methods=["DELETE"])
def revoke_api_token(token_id):
    service.revoke_api_token(principal=current_principal(bp.current_request), token_id=token_id)
    return no_content()
