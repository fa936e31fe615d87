package dev.patroni4j.testkit;

import java.util.Objects;

/**
 * A user name and password the test kit configured (REST API basic auth, etcd auth). The password
 * is never part of {@link #toString()}.
 */
public record Credentials(String username, String password) {
  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.isBlank()) {
      throw new IllegalArgumentException("username is blank");
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("password is empty");
    }
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=****]";
  }
}
