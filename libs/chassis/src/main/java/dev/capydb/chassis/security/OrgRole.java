package dev.capydb.chassis.security;

/** A user's role in one organisation; admins may also do what members may. */
public enum OrgRole {
    MEMBER,
    ADMIN;

    public boolean atLeast(OrgRole other) {
        return compareTo(other) >= 0;
    }
}
