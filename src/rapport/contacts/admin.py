from django.contrib import admin

from rapport.contacts.models import Company, Customer, Identity


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0
    fields = ["kind", "provider", "value", "verified", "created_at"]
    readonly_fields = ["created_at"]


class CustomerInline(admin.TabularInline):
    model = Customer
    extra = 0
    fields = ["name", "email", "phone", "language"]
    show_change_link = True


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "tier", "share_tickets", "created_at"]
    list_filter = ["share_tickets", "tier"]
    search_fields = ["name", "domain"]
    inlines = [CustomerInline]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "phone", "company", "language", "merged_into", "created_at"]
    list_filter = ["language", "company"]
    search_fields = ["name", "email", "phone", "identities__value"]
    autocomplete_fields = ["company"]
    readonly_fields = ["merged_into", "created_at", "updated_at"]
    list_select_related = ["company", "merged_into"]
    inlines = [IdentityInline]
