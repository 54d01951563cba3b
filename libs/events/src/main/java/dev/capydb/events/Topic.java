package dev.capydb.events;

/** Kafka topics, one per producing domain, keyed by project id so a project's events stay ordered. */
public enum Topic {
    PROJECTS("capydb.projects"),
    BACKUPS("capydb.backups"),
    RESTORES("capydb.restores"),
    IMPORTS("capydb.imports"),
    CUTOVERS("capydb.cutovers"),
    WEBHOOKS("capydb.webhooks");

    private final String topicName;

    Topic(String topicName) {
        this.topicName = topicName;
    }

    public String topicName() {
        return topicName;
    }
}
