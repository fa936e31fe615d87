package dev.patroni4j.walg.internal;

import dev.patroni4j.walg.RepositoryProblem;

/** A WAL-G JSON document that cannot be used; turned into a {@link RepositoryProblem} by callers. */
public final class InvalidDocumentException extends Exception {
  private static final long serialVersionUID = 1L;
  private final RepositoryProblem.Kind kind;

  public InvalidDocumentException(RepositoryProblem.Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public InvalidDocumentException(RepositoryProblem.Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public RepositoryProblem.Kind kind() {
    return kind;
  }
}
