package io.hostwatch.service.auth;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Keystone role names → hostwatch permissions, from {@code auth.readerRoles} and {@code auth.operatorRoles}. */
public final class KeystoneRoles {
    private final Set<String> readers;
    private final Set<String> operators;

    public KeystoneRoles(List<String> readerRoles, List<String> operatorRoles) {
        this.readers = Set.copyOf(readerRoles);
        this.operators = Set.copyOf(operatorRoles);
    }

    /** What a token with these roles may do; an operator may also read. */
    public Set<String> permissions(Collection<String> roles) {
        Set<String> out = new HashSet<>();
        for (String role : roles) {
            if (operators.contains(role)) {
                out.add(Roles.OPERATOR);
                out.add(Roles.READER);
            }
            if (readers.contains(role)) {
                out.add(Roles.READER);
            }
        }
        return out;
    }
}
