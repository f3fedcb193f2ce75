module aviary.dev/e2e-tools/webhook-receiver

go 1.22
