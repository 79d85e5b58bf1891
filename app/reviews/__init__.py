"""NPU's review of survey designs: the queue, comments beside questions, review decisions with a
snapshot of what was reviewed, the audit history, notifications and base questionnaire versions."""
