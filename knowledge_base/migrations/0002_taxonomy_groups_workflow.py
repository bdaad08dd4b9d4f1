"""Fixed taxonomy rows, the editor groups and the "review before publishing" workflow.

Redacteuren (editors) may create and edit lessons, pilots, themes, sources, documents and images, but
not publish; Reviewers may also publish. The workflow on the root page sends every page through one
group-approval task for the Reviewers, replacing Wagtail's default "Moderators approval" there.
"""

from django.db import migrations

COMMUNITY_KINDS = [
    "kenniskring",
    "fieldlab",
    "living_lab",
    "coci",
    "innovatielab",
    "campus",
    "hub",
    "centre_of_expertise",
    "civ",
]
SUCCESS_FACTORS = [
    "shared_ownership",
    "regional_networks",
    "hybrid_learning",
    "learning_places",
    "open_expertise",
    "two_way_mentoring",
]
EDITORS = "Redacteuren"
REVIEWERS = "Reviewers"
WORKFLOW = "Review voor publicatie"
TASK = "Goedkeuring door Reviewers"

PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page", "lock_page", "unlock_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"],
}
COLLECTION_PERMISSIONS = {
    EDITORS: [("wagtaildocs", "document", ["add", "change", "choose"]), ("wagtailimages", "image", ["add", "change", "choose"])],
    REVIEWERS: [
        ("wagtaildocs", "document", ["add", "change", "choose", "delete"]),
        ("wagtailimages", "image", ["add", "change", "choose", "delete"]),
    ],
}
SOURCE_PERMISSIONS = {EDITORS: ["add", "change"], REVIEWERS: ["add", "change", "delete"]}


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ").capitalize()}
    )
    return permission


def forwards(apps, schema_editor):
    CommunityKind = apps.get_model("knowledge_base", "CommunityKind")
    SuccessFactor = apps.get_model("knowledge_base", "SuccessFactor")
    for code in COMMUNITY_KINDS:
        CommunityKind.objects.get_or_create(code=code)
    for code in SUCCESS_FACTORS:
        SuccessFactor.objects.get_or_create(code=code)

    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    root = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin")

    groups = {}
    for name in (EDITORS, REVIEWERS):
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(access_admin)
        for codename in SOURCE_PERMISSIONS[name]:
            group.permissions.add(_permission(apps, "knowledge_base", "source", f"{codename}_source"))
        if root is not None:
            for codename in PAGE_PERMISSIONS[name]:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=_permission(apps, "wagtailcore", "page", codename)
                )
        if root_collection is not None:
            for app_label, model, actions in COLLECTION_PERMISSIONS[name]:
                for action in actions:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group,
                        collection=root_collection,
                        permission=_permission(apps, app_label, model, f"{action}_{model}"),
                    )

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK, content_type=task_type, active=True)
    task.groups.set([groups[REVIEWERS]])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name=WORKFLOW).delete()
    Task.objects.filter(name=TASK).delete()
    Group.objects.filter(name__in=[EDITORS, REVIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge_base", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
