-- A table of the chassis tests' own, written through Hibernate Reactive beside the outbox and inbox rows.
CREATE TABLE test_note (
    id   uuid PRIMARY KEY,
    text text NOT NULL
);
