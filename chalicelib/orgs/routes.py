from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.core.schemas import CursorPageParams, page_response
from chalicelib.orgs import service
from chalicelib.orgs.schemas import (
    MemberFilters,
    MemberInvite,
    MemberOut,
    MemberUpdate,
    OrgCreate,
    OrgOut,
    OrgUpdate,
    OwnershipTransfer,
)

bp = Blueprint(__name__)


@bp.route("/organizations", methods=["GET"])
def list_organizations():
    principal = current_principal(bp.current_request)
    orgs = service.list_visible(principal=principal)
    return page_response([OrgOut.of(org, role=role).dump() for org, role in orgs], next_cursor=None)


@bp.route("/organizations", methods=["POST"])
def create_organization():
    principal = current_principal(bp.current_request)
    org = service.create(principal=principal, body=parse_body(bp.current_request, OrgCreate))
    return created(OrgOut.of(org, role="owner").dump())


@bp.route("/organizations/{org_id}", methods=["GET"])
def get_organization(org_id):
    org, role = service.get(principal=current_principal(bp.current_request), org_id=org_id)
    return OrgOut.of(org, role=role).dump()


@bp.route("/organizations/{org_id}", methods=["PUT"])
def update_organization(org_id):
    principal = current_principal(bp.current_request)
    org, role = service.update(principal=principal, org_id=org_id, changes=parse_body(bp.current_request, OrgUpdate))
    return OrgOut.of(org, role=role).dump()


@bp.route("/organizations/{org_id}", methods=["DELETE"])
def delete_organization(org_id):
    service.delete(principal=current_principal(bp.current_request), org_id=org_id)
    return no_content()


@bp.route("/organizations/{org_id}/transfer-ownership", methods=["POST"])
def transfer_ownership(org_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, OwnershipTransfer)
    org = service.transfer_ownership(principal=principal, org_id=org_id, user_id=body.user_id)
    return OrgOut.of(org, role="admin").dump()


@bp.route("/members", methods=["GET"])
def list_members():
    principal = current_principal(bp.current_request)
    paging = parse_query(bp.current_request, CursorPageParams)
    page = service.list_members(
        principal=principal,
        filters=parse_query(bp.current_request, MemberFilters),
        limit=paging.per_page,
        cursor=paging.cursor,
        offset=paging.offset,
    )
    items = [MemberOut.of(member, with_rates=principal.is_admin).dump() for member in page.items]
    return paging.response(items, page.next_cursor)


@bp.route("/members/invite", methods=["POST"])
def invite_member():
    principal = current_principal(bp.current_request)
    member = service.invite(principal=principal, body=parse_body(bp.current_request, MemberInvite))
    return created(MemberOut.of(member).dump())


@bp.route("/members/{member_id}", methods=["PUT"])
def update_member(member_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, MemberUpdate)
    member = service.update_member(principal=principal, member_id=member_id, body=body)
    return MemberOut.of(member, with_rates=True).dump()


@bp.route("/members/{member_id}", methods=["DELETE"])
def remove_member(member_id):
    service.remove(principal=current_principal(bp.current_request), member_id=member_id)
    return no_content()


@bp.route("/members/{member_id}/resend-invite", methods=["POST"])
def resend_invite(member_id):
    member = service.resend_invite(principal=current_principal(bp.current_request), member_id=member_id)
    return MemberOut.of(member).dump()
