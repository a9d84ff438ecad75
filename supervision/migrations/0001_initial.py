# The supervision models moved from the plan app (issue 16): state only, no table touched.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import plan.models
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = [
    "taskreport", "tasksummary", "reopenrequest", "remindernotice", "reminderlog", "evidence",
    "historicaltaskreport", "historicaltasksummary", "historicalreopenrequest",
    "historicalremindernotice", "historicalevidence",
]


def move_content_types(apps, schema_editor):
    """Give the moved models' content types the new app label. The rows keep their ids, so the
    evidence files (a generic foreign key), the admin log and the permissions granted on these
    models (by id) stay attached without touching them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        old = ContentType.objects.using(db).filter(app_label="plan", model=model).first()
        if old is None:  # a new database: post_migrate creates the new ones
            continue
        # A content type the new label got meanwhile (a run of post_migrate) holds nothing yet.
        ContentType.objects.using(db).filter(app_label="supervision", model=model).delete()
        old.app_label = "supervision"
        old.save(update_fields=["app_label"])


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="supervision", model__in=MOVED).update(
        app_label="plan"
    )

class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('plan', '0008_supervision_moved_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table): only Django's picture of them moves.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalEvidence',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField(help_text='The report the file belongs to.', verbose_name='report id')),
                        ('file', models.TextField(help_text='Stored under a random name; never served from a public path.', max_length=200, verbose_name='stored file')),
                        ('name', models.CharField(help_text='The name the file was uploaded with.', max_length=120, verbose_name='file name')),
                        ('size', models.PositiveBigIntegerField(verbose_name='size (bytes)')),
                        ('media_type', models.CharField(help_text="Found from the file's content.", max_length=100, verbose_name='media type')),
                        ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='uploaded at')),
                        ('removed_at', models.DateTimeField(blank=True, help_text='A removed file leaves the report but stays in storage and in the history.', null=True, verbose_name='removed at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('content_type', models.ForeignKey(blank=True, db_constraint=False, help_text='Which kind of report the file belongs to.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contenttypes.contenttype', verbose_name='kind of report')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('removed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='removed by')),
                        ('unit', models.ForeignKey(blank=True, db_constraint=False, help_text="The unit whose staff may add and remove the report's files.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.unit', verbose_name='unit')),
                        ('uploaded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                    ],
                    options={
                        'verbose_name': 'historical evidence file',
                        'verbose_name_plural': 'historical evidence files',
                        'db_table': 'plan_historicalevidence',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalReminderNotice',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='quarter')),
                        ('kind', models.CharField(blank=True, help_text='tasks or projects', max_length=12, verbose_name='kind of report')),
                        ('sent_at', models.DateTimeField(db_index=True, verbose_name='sent at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.plan', verbose_name='plan')),
                        ('sent_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
                        ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.unit', verbose_name='unit')),
                    ],
                    options={
                        'verbose_name': 'historical reminder notice',
                        'verbose_name_plural': 'historical reminder notices',
                        'db_table': 'plan_historicalremindernotice',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalReopenRequest',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='quarter')),
                        ('scope', models.CharField(choices=[('period', "the unit's whole period"), ('task', 'one task (report and summary)'), ('project', 'one project'), ('indicator', 'one indicator')], default='period', max_length=12, verbose_name='scope')),
                        ('object_id', models.PositiveIntegerField(blank=True, help_text='The task, project or indicator reopened.', null=True, verbose_name='object')),
                        ('subject', models.CharField(help_text='What is reopened, as named when asked.', max_length=300, verbose_name='subject')),
                        ('reason', models.TextField(verbose_name='reason')),
                        ('requested_at', models.DateTimeField(verbose_name='requested at')),
                        ('state', models.CharField(choices=[('open', 'waiting for a decision'), ('granted', 'granted'), ('refused', 'refused'), ('expired', 'expired')], db_index=True, default='open', max_length=10, verbose_name='state')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decision_comment', models.TextField(blank=True, verbose_name="reviewer's comment")),
                        ('open_until', models.DateField(blank=True, help_text='The last day the grant allows edits.', null=True, verbose_name='open until')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('decided_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.plan', verbose_name='plan')),
                        ('requested_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                        ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.unit', verbose_name='unit')),
                    ],
                    options={
                        'verbose_name': 'historical reopening request',
                        'verbose_name_plural': 'historical reopening requests',
                        'db_table': 'plan_historicalreopenrequest',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalTaskReport',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('review_state', models.CharField(choices=[('submitted', 'submitted'), ('approved', 'approved'), ('returned', 'returned')], db_index=True, default='submitted', max_length=12, verbose_name='review state')),
                        ('review_comment', models.TextField(blank=True, verbose_name="reviewer's comment")),
                        ('returned_fields', models.JSONField(blank=True, default=list, verbose_name='fields the comment is about')),
                        ('returned_values', models.JSONField(blank=True, default=dict, verbose_name='values when returned')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                        ('edited_after_approval', models.BooleanField(default=False, help_text='The unit changed the report after it had been approved.', verbose_name='edited after approval')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='quarter')),
                        ('status', models.CharField(choices=[('on_track', 'on track'), ('lagging', 'lagging'), ('completed', 'completed')], max_length=16, verbose_name='self-assessed status')),
                        ('progress', models.TextField(verbose_name='work done')),
                        ('figures', models.TextField(blank=True, help_text='e.g. 新认定国家高新技术企业35家', verbose_name='figures achieved')),
                        ('problems', models.TextField(blank=True, verbose_name='problems met')),
                        ('next_steps', models.TextField(blank=True, verbose_name='next steps')),
                        ('submitted_at', models.DateTimeField(help_text='Timeliness is judged on this.', verbose_name='first submitted at')),
                        ('revised_at', models.DateTimeField(blank=True, null=True, verbose_name='last revised at')),
                        ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                        ('is_demo', models.BooleanField(default=False, verbose_name='demo data')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                        ('submitted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                        ('task', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.task', verbose_name='task')),
                        ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.unit', verbose_name='unit')),
                    ],
                    options={
                        'verbose_name': 'historical task report',
                        'verbose_name_plural': 'historical task reports',
                        'db_table': 'plan_historicaltaskreport',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalTaskSummary',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='quarter')),
                        ('summary', models.TextField(verbose_name='summary')),
                        ('written_at', models.DateTimeField(verbose_name='written at')),
                        ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                        ('is_demo', models.BooleanField(default=False, verbose_name='demo data')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('task', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.task', verbose_name='task')),
                        ('written_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
                    ],
                    options={
                        'verbose_name': 'historical task summary',
                        'verbose_name_plural': 'historical task summaries',
                        'db_table': 'plan_historicaltasksummary',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='ReminderNotice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='quarter')),
                        ('kind', models.CharField(blank=True, help_text='tasks or projects', max_length=12, verbose_name='kind of report')),
                        ('sent_at', models.DateTimeField(db_index=True, verbose_name='sent at')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_notices', to='plan.plan', verbose_name='plan')),
                        ('sent_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reminder_notices', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_notices', to='plan.unit', verbose_name='unit')),
                    ],
                    options={
                        'verbose_name': 'reminder notice',
                        'verbose_name_plural': 'reminder notices',
                        'db_table': 'plan_remindernotice',
                        'ordering': ['-sent_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Evidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField(help_text='The report the file belongs to.', verbose_name='report id')),
                        ('file', models.FileField(help_text='Stored under a random name; never served from a public path.', max_length=200, upload_to=plan.models.evidence_upload_to, verbose_name='stored file')),
                        ('name', models.CharField(help_text='The name the file was uploaded with.', max_length=120, verbose_name='file name')),
                        ('size', models.PositiveBigIntegerField(verbose_name='size (bytes)')),
                        ('media_type', models.CharField(help_text="Found from the file's content.", max_length=100, verbose_name='media type')),
                        ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='uploaded at')),
                        ('removed_at', models.DateTimeField(blank=True, help_text='A removed file leaves the report but stays in storage and in the history.', null=True, verbose_name='removed at')),
                        ('content_type', models.ForeignKey(help_text='Which kind of report the file belongs to.', on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype', verbose_name='kind of report')),
                        ('removed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='evidence_removed', to=settings.AUTH_USER_MODEL, verbose_name='removed by')),
                        ('unit', models.ForeignKey(help_text="The unit whose staff may add and remove the report's files.", on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='plan.unit', verbose_name='unit')),
                        ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence_uploaded', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                    ],
                    options={
                        'verbose_name': 'evidence file',
                        'verbose_name_plural': 'evidence files',
                        'db_table': 'plan_evidence',
                        'ordering': ['uploaded_at', 'pk'],
                        'indexes': [models.Index(fields=['content_type', 'object_id'], name='plan_eviden_content_b318d5_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='day')),
                        ('fingerprint', models.CharField(max_length=64, verbose_name='fingerprint')),
                        ('items', models.PositiveIntegerField(verbose_name='items listed')),
                        ('sent_at', models.DateTimeField(verbose_name='sent at')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_logs', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'reminder e-mail',
                        'verbose_name_plural': 'reminder e-mails',
                        'db_table': 'plan_reminderlog',
                        'ordering': ['-sent_at', '-pk'],
                        'indexes': [models.Index(fields=['user', 'day'], name='plan_remind_user_id_2b835f_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='ReopenRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='quarter')),
                        ('scope', models.CharField(choices=[('period', "the unit's whole period"), ('task', 'one task (report and summary)'), ('project', 'one project'), ('indicator', 'one indicator')], default='period', max_length=12, verbose_name='scope')),
                        ('object_id', models.PositiveIntegerField(blank=True, help_text='The task, project or indicator reopened.', null=True, verbose_name='object')),
                        ('subject', models.CharField(help_text='What is reopened, as named when asked.', max_length=300, verbose_name='subject')),
                        ('reason', models.TextField(verbose_name='reason')),
                        ('requested_at', models.DateTimeField(verbose_name='requested at')),
                        ('state', models.CharField(choices=[('open', 'waiting for a decision'), ('granted', 'granted'), ('refused', 'refused'), ('expired', 'expired')], db_index=True, default='open', max_length=10, verbose_name='state')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decision_comment', models.TextField(blank=True, verbose_name="reviewer's comment")),
                        ('open_until', models.DateField(blank=True, help_text='The last day the grant allows edits.', null=True, verbose_name='open until')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reopen_requests', to='plan.plan', verbose_name='plan')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reopen_requests', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reopen_requests', to='plan.unit', verbose_name='unit')),
                    ],
                    options={
                        'verbose_name': 'reopening request',
                        'verbose_name_plural': 'reopening requests',
                        'db_table': 'plan_reopenrequest',
                        'ordering': ['-requested_at', '-pk'],
                        'indexes': [models.Index(fields=['unit', 'year', 'quarter', 'state'], name='plan_reopen_unit_id_660d71_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='reopen_quarter_1_4')],
                    },
                ),
                migrations.CreateModel(
                    name='TaskReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('review_state', models.CharField(choices=[('submitted', 'submitted'), ('approved', 'approved'), ('returned', 'returned')], db_index=True, default='submitted', max_length=12, verbose_name='review state')),
                        ('review_comment', models.TextField(blank=True, verbose_name="reviewer's comment")),
                        ('returned_fields', models.JSONField(blank=True, default=list, verbose_name='fields the comment is about')),
                        ('returned_values', models.JSONField(blank=True, default=dict, verbose_name='values when returned')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                        ('edited_after_approval', models.BooleanField(default=False, help_text='The unit changed the report after it had been approved.', verbose_name='edited after approval')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='quarter')),
                        ('status', models.CharField(choices=[('on_track', 'on track'), ('lagging', 'lagging'), ('completed', 'completed')], max_length=16, verbose_name='self-assessed status')),
                        ('progress', models.TextField(verbose_name='work done')),
                        ('figures', models.TextField(blank=True, help_text='e.g. 新认定国家高新技术企业35家', verbose_name='figures achieved')),
                        ('problems', models.TextField(blank=True, verbose_name='problems met')),
                        ('next_steps', models.TextField(blank=True, verbose_name='next steps')),
                        ('submitted_at', models.DateTimeField(help_text='Timeliness is judged on this.', verbose_name='first submitted at')),
                        ('revised_at', models.DateTimeField(blank=True, null=True, verbose_name='last revised at')),
                        ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                        ('is_demo', models.BooleanField(default=False, verbose_name='demo data')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='task_reports', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='plan.task', verbose_name='task')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='task_reports', to='plan.unit', verbose_name='unit')),
                    ],
                    options={
                        'verbose_name': 'task report',
                        'verbose_name_plural': 'task reports',
                        'db_table': 'plan_taskreport',
                        'ordering': ['task', '-year', '-quarter', 'unit__sort_order'],
                        'indexes': [models.Index(fields=['year', 'quarter'], name='plan_taskre_year_76060a_idx')],
                        'constraints': [models.UniqueConstraint(fields=('task', 'unit', 'year', 'quarter'), name='unique_task_report_per_period'), models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='task_report_quarter_1_4')],
                    },
                ),
                migrations.CreateModel(
                    name='TaskSummary',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='quarter')),
                        ('summary', models.TextField(verbose_name='summary')),
                        ('written_at', models.DateTimeField(verbose_name='written at')),
                        ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                        ('is_demo', models.BooleanField(default=False, verbose_name='demo data')),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='summaries', to='plan.task', verbose_name='task')),
                        ('written_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='task_summaries', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
                    ],
                    options={
                        'verbose_name': 'task summary',
                        'verbose_name_plural': 'task summaries',
                        'db_table': 'plan_tasksummary',
                        'ordering': ['task', '-year', '-quarter'],
                        'constraints': [models.UniqueConstraint(fields=('task', 'year', 'quarter'), name='unique_task_summary_per_period')],
                    },
                ),
    
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
