"""The ratings section of a member's page (``members.register.sections``): every year's rating, annulled
decisions included beside the re-rating that replaced them, each linking to its grid. One query."""

from __future__ import annotations

from members.register.sections import MemberSection


def read(user, member, day):
    from members.ratings.models import MemberRating
    from members.ratings.views import grid_url

    ratings = list(MemberRating.objects.visible_to(user).filter(member=member)
                   .select_related("self_level", "proposed_level", "decided_level", "grassroots")
                   .order_by("-year", "-id"))
    for rating in ratings:
        rating.grid_url = grid_url(rating.grassroots_id, rating.year)
    return {"ratings": ratings}


SECTION = MemberSection(key="ratings", order=20, template="members/ratings/_member_section.html", read=read)
