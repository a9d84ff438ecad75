"""factory_boy factories: tests build their own data, beside or instead of the plan fixture."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from plan.models import Plan, Responsibility, Task, Unit, UnitMembership
from projects.models import Annex, Project


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-for-tests-1")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: transactional tests flush the groups the migration made.
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])

    @factory.post_generation
    def unit(self, create, extracted, **kwargs):
        if create and extracted:
            UnitMembership.objects.create(user=self, unit=extracted)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    code = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"Test plan {n}")
    start_year = 2022
    end_year = 2025
    state = "active"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    short_title = factory.Sequence(lambda n: f"任务{n}")
    programme = "实施测试工程"
    full_text = "测试任务全文。"


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    order = 1


class AnnexFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Annex

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"附表{n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    annex = factory.SubFactory(AnnexFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"测试项目{n}")
    unit = factory.SubFactory(UnitFactory)
