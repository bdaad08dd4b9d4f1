from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Language, Organisation, Profile, Region, Sector, Skill, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name", "profile__display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ["display_name", "user", "organisation", "region", "career_stage"]
    search_fields = ["display_name", "user__email"]
    list_select_related = ["user", "organisation", "region"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind", "size_class", "region"]
    list_filter = ["kind", "size_class"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}


admin.site.register(Sector)
admin.site.register(Region)
admin.site.register(Language)
admin.site.register(Skill)
