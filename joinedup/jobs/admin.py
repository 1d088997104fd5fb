from django.contrib import admin

from joinedup.jobs.models import Job, PeriodicSchedule


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "task_name", "status", "attempts", "run_after", "created_at"]
    list_filter = ["status", "task_name"]
    readonly_fields = [f.name for f in Job._meta.fields]


@admin.register(PeriodicSchedule)
class PeriodicScheduleAdmin(admin.ModelAdmin):
    list_display = ["task_name", "next_run_at"]
