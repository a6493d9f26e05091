"""factory_boy factories shared by every app's tests."""

import factory
from django.contrib.auth import get_user_model


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="vi_VN")
    last_name = factory.Faker("last_name", locale="vi_VN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", "Mật-khẩu-thử-2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_member(cell, *, start=None, user=None, **overrides):
    """A member created through the service, with a plausible profile; overrides win."""
    import datetime as dt

    from members.register.services import member_create

    fake = factory.Faker._get_faker(locale="vi_VN")
    data = {
        "full_name": fake.name(),
        "gender": fake.random_element(["male", "female"]),
        "birth_date": fake.date_between(dt.date(1965, 1, 1), dt.date(2000, 12, 31)),
        "ethnicity": "Kinh",
        "religion": "none",
        "admission_date": dt.date(2015, 5, 19),
        "full_membership_date": dt.date(2016, 5, 19),
        "professional_level": "university",
        "political_theory": "intermediate",
    }
    data.update(overrides)
    cid = overrides.get("citizen_id")
    if cid and len(cid) == 12 and cid.isdigit():
        # A profile the citizen ID agrees with (its century-and-gender and year digits, core.text).
        if "gender" not in overrides:
            data["gender"] = "female" if int(cid[3]) % 2 else "male"
        if "birth_date" not in overrides:
            data["birth_date"] = dt.date(1900 + 100 * (int(cid[3]) // 2) + int(cid[4:6]), 6, 15)
    if "birth_date" not in overrides and data.get("admission_date"):
        # Admitted at 18 or older (members.register.services.validate_profile).
        latest = data["admission_date"].replace(year=data["admission_date"].year - 18, day=1)
        if data["birth_date"] > latest:
            data["birth_date"] = fake.date_between(dt.date(1950, 1, 1), latest)
    return member_create(cell=cell, start_date=start or dt.date(2020, 1, 1), user=user, **data)


def baseline_data(rows, *, existing=(), prefix="baseline"):
    """The POST of a resolution's baseline formset (targets.engine.forms.baseline_formset): ``existing`` are the
    resolution's rows as (id, as_of, key, label, value[, delete]), then the new ``rows`` (as_of, key, label, value)
    as typed."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(existing) + len(rows)), f"{prefix}-INITIAL_FORMS": str(len(existing)),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    forms = [(row[0], *row[1:5], row[5] if len(row) > 5 else False) for row in existing]
    forms += [("", *row, False) for row in rows]
    for i, (pk, as_of, key, label, value, delete) in enumerate(forms):
        data.update({f"{prefix}-{i}-id": str(pk), f"{prefix}-{i}-as_of": as_of, f"{prefix}-{i}-key": key,
                     f"{prefix}-{i}-label": label, f"{prefix}-{i}-value": value, f"{prefix}-{i}-note": ""})
        if delete:
            data[f"{prefix}-{i}-DELETE"] = "on"
    return data
