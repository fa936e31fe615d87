package dev.patroni4j.testkit.internal.consul;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Consul's ACL decisions with default policy {@code deny}: the management ("initial management", formerly
 * "master") token may do everything, a request without a token runs as the anonymous token and is denied, an
 * unknown token is {@code ACL not found}. With ACLs disabled everything is allowed and tokens are ignored.
 */
final class ConsulAcl {
  static final String ANONYMOUS_ACCESSOR = "00000000-0000-0000-0000-000000000002";

  private final byte @Nullable [] managementToken;

  ConsulAcl(@Nullable String managementToken) {
    this.managementToken = managementToken == null ? null : managementToken.getBytes(StandardCharsets.UTF_8);
  }

  boolean enabled() {
    return managementToken != null;
  }

  /** Resolves the request's token; 403 {@code ACL not found} for a token Consul does not know. */
  Authorizer resolve(Optional<String> token) {
    if (managementToken == null) {
      return Authorizer.ALLOW_ALL;
    }
    if (token.isEmpty()) {
      return Authorizer.ANONYMOUS;
    }
    if (MessageDigest.isEqual(managementToken, token.get().getBytes(StandardCharsets.UTF_8))) {
      return Authorizer.ALLOW_ALL;
    }
    throw new ConsulHttpError(403, "ACL not found");
  }

  /** What one resolved token may do. */
  enum Authorizer {
    ALLOW_ALL,
    ANONYMOUS;

    boolean allowed() {
      return this == ALLOW_ALL;
    }

    /** 403 with Consul's wording for the anonymous token when the permission is missing. */
    void require(String resource, String access, String name) {
      if (!allowed()) {
        throw new ConsulHttpError(403, "Permission denied: anonymous token lacks permission '" + resource + ":"
            + access + "'" + (name.isEmpty() ? "" : " on \"" + name + "\"")
            + ". The anonymous token is used implicitly when a request does not specify a token.");
      }
    }
  }
}
