"""Task labels store nothing of their own: a task's labels are its `label_ids`, and the label index
(`TaskLabelLink`) is kept by the tasks domain in the same transaction. This package only speaks the
add-one / remove-one API over `tasks.service.update`."""
