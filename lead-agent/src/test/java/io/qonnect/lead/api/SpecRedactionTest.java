package io.qonnect.lead.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpecRedactionTest {
  @Test
  void envValuesAndSecretDataAreRedactedEverythingElseStays() {
    String yaml = """
        apiVersion: qonnect.io/v1
        kind: Application
        metadata: {name: shop}
        spec:
          components:
            - name: api
              image: shop/api:1
              env: { DB_PASSWORD: hunter2, LOG_DIR: /tmp/logs }
            - name: db
              manifests:
                - apiVersion: v1
                  kind: Secret
                  metadata: {name: db}
                  stringData: {password: hunter2}
                  data: {token: aHVudGVyMg==}
                - apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: db}
                  spec:
                    template:
                      spec:
                        containers:
                          - name: db
                            image: postgres:16
                            env: [{name: POSTGRES_PASSWORD, value: hunter2}, {name: FROM_SECRET, valueFrom: {secretKeyRef: {name: db, key: password}}}]
        """;

    String shown = SpecRedaction.redact(yaml);

    assertThat(shown).doesNotContain("hunter2").doesNotContain("aHVudGVyMg==").doesNotContain("/tmp/logs");
    assertThat(shown).contains("DB_PASSWORD").contains("POSTGRES_PASSWORD").contains("secretKeyRef").contains("postgres:16")
        .contains("shop/api:1").contains(SpecRedaction.REDACTED);
  }

  @Test
  void aDocumentWithoutSecretsIsShownAsWrittenCommentsIncluded() {
    String yaml = "# the shop\napiVersion: qonnect.io/v1\nkind: Application\nmetadata: {name: shop}\n";
    assertThat(SpecRedaction.redact(yaml)).isEqualTo(yaml);
  }
}
