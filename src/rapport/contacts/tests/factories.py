import factory

from rapport.contacts.models import Company, Customer, Identity, IdentityKind


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.test")
    language = "en"

    identity = factory.RelatedFactory(
        "rapport.contacts.tests.factories.EmailIdentityFactory",
        factory_related_name="customer",
        value=factory.SelfAttribute("..email"),
    )


class EmailIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Identity

    kind = IdentityKind.EMAIL
    value = factory.Sequence(lambda n: f"identity{n}@example.test")
