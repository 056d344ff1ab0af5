package io.hostwatch.service.auth;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/** Client-certificate subjects → hostwatch permissions, compared as canonical X.500 names. */
public final class SubjectRoles {
    private final Map<String, Set<String>> bySubject;

    private SubjectRoles(Map<String, Set<String>> bySubject) {
        this.bySubject = bySubject;
    }

    /** @throws IllegalArgumentException when a subject is not an X.500 name */
    public static SubjectRoles of(List<String> readers, List<String> operators) {
        Map<String, Set<String>> map = new LinkedHashMap<>();
        for (String r : readers) {
            map.computeIfAbsent(canonical(r), k -> new HashSet<>()).add(Roles.READER);
        }
        for (String o : operators) {
            Set<String> s = map.computeIfAbsent(canonical(o), k -> new HashSet<>());
            s.add(Roles.OPERATOR);
            s.add(Roles.READER);
        }
        return new SubjectRoles(map);
    }

    /** The permissions of a certificate subject; empty when the subject is not listed. */
    public Optional<Set<String>> permissions(X500Principal subject) {
        return Optional.ofNullable(bySubject.get(subject.getName(X500Principal.CANONICAL)));
    }

    private static String canonical(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("empty subject");
        }
        return new X500Principal(name).getName(X500Principal.CANONICAL);
    }
}
