package io.hostwatch.service.nova;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.ValidationMethod;
import io.hostwatch.schema.HostwatchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where a secret (a password, an application credential secret) comes from: a file or an
 * environment variable, never the YAML itself. It is read each time it is needed, so a rotated
 * file is picked up at the next authentication. The value is never kept, logged or shown:
 * {@link #toString()} names the source only.
 *
 * <pre>
 * password: {file: /etc/hostwatch/keystone-password}
 * password: {env: HOSTWATCH_KEYSTONE_PASSWORD}
 * </pre>
 */
public final class SecretSource {
    /** File whose content (without a trailing newline) is the secret. */
    @JsonProperty
    public String file;
    /** Name of the environment variable that holds the secret. */
    @JsonProperty
    public String env;

    public static SecretSource ofFile(Path path) {
        SecretSource s = new SecretSource();
        s.file = path.toString();
        return s;
    }

    public static SecretSource ofEnv(String name) {
        SecretSource s = new SecretSource();
        s.env = name;
        return s;
    }

    @JsonIgnore
    @ValidationMethod(message = "a secret needs exactly one of 'file' or 'env'")
    public boolean isExactlyOneSource() {
        return (blank(file) ? 0 : 1) + (blank(env) ? 0 : 1) == 1;
    }

    /** Reads the secret now. */
    public String read() {
        return read(System::getenv);
    }

    String read(UnaryOperator<String> environment) {
        if (!isExactlyOneSource()) {
            throw new HostwatchException("secret " + this + " needs exactly one of 'file' or 'env'");
        }
        String value;
        if (!blank(file)) {
            try {
                value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                throw new HostwatchException("cannot read secret file " + file + ": " + e.getClass().getSimpleName());
            }
        } else {
            value = environment.apply(env);
        }
        if (value == null || value.isEmpty()) {
            throw new HostwatchException("secret " + this + " is empty or not set");
        }
        return value;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The source, never the value. */
    @Override
    public String toString() {
        return !blank(file) ? "file:" + file : !blank(env) ? "env:" + env : "(none)";
    }
}
