package io.hostwatch.schema;

import java.util.regex.Pattern;

/**
 * Validation of group and host names. Every name that enters hostwatch (a REST path, an agent
 * flag, a znode path, a storage file name) passes through here first.
 *
 * <p>A valid name is an RFC 1123 label: 1 to 63 characters of ASCII letters, digits and
 * hyphens, neither starting nor ending with a hyphen. That rules out {@code /}, {@code ..},
 * NUL, whitespace, dots and anything that could escape a znode or directory.
 */
public final class Names {
    /** Longest label RFC 1123 allows. */
    public static final int MAX_LENGTH = 63;

    /** The service group a member belongs to when none is given. */
    public static final String DEFAULT_GROUP = "compute";

    /** The most of a refused name that its error message shows. */
    static final int SHOWN_LENGTH = 80;

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");

    private Names() {
    }

    /** Returns {@code name} when it is a valid group name, else throws {@link InvalidNameException}. */
    public static String group(String name) {
        return check("group", name);
    }

    /** Returns {@code name} when it is a valid host name, else throws {@link InvalidNameException}. */
    public static String host(String name) {
        return check("host", name);
    }

    /** True when {@code name} is a valid label; never throws. */
    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && LABEL.matcher(name).matches();
    }

    private static String check(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidNameException(what + " name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidNameException(what + " name is " + name.length() + " characters long; at most "
                    + MAX_LENGTH + " are allowed");
        }
        if (!LABEL.matcher(name).matches()) {
            throw new InvalidNameException(what + " name '" + Printable.escape(name, SHOWN_LENGTH)
                    + "' is not an RFC 1123 label (letters, digits and inner hyphens only)");
        }
        return name;
    }
}
