"""Verification harness for the cert_notification_log migration."""
