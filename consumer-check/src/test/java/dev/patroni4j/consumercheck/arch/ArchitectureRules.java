package dev.patroni4j.consumercheck.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.all;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.NullMarked;

/**
 * The shape every module promises (DEVELOPERS.md, "Style"), as ArchUnit rules. Each module has one
 * package root; its implementation lives under {@code .internal}.
 *
 * <ul>
 *   <li>{@link #noOtherModulesInternals}: code of a module (main and test) depends on no class
 *       under another module's {@code .internal} packages.
 *   <li>{@link #publicSignaturesUseOnlyApiTypes}: a public type of a public package names, in its
 *       public and protected signatures (supertypes, type parameter bounds, fields, constructor and
 *       method parameters, returns and declared exceptions, generic arguments included), only the
 *       JDK's types ({@code java.*}, {@code javax.*}), public packages of patroni4j and the packages
 *       a module allowlists with its reason; never an {@code .internal} type nor another library's.
 *       (Annotations such as JSpecify's {@code @Nullable} are not signature types: ArchUnit's
 *       {@code JavaType} carries none, so they need no allowlist.)
 *   <li>{@link #everyPackageIsNullMarked}: every package has a {@code package-info} annotated
 *       {@link NullMarked}, which is what makes NullAway (OnlyNullMarked) check it at all.
 *   <li>{@link #sleepsOnlyIn}: no class but the one named (the default {@code Sleeper}) calls or
 *       references {@code Thread.sleep} or {@code TimeUnit.sleep}: every other wait takes an
 *       injected {@code Sleeper} (or blocks on a real signal), so tests can run it in manual time.
 * </ul>
 */
final class ArchitectureRules {
  static final String PROJECT_ROOT = "dev.patroni4j";

  private ArchitectureRules() {}

  /**
   * Code under {@code moduleRoot} uses no class under another module's {@code .internal}. An
   * {@code .internal} package belongs to the module with the longest root that contains it, because
   * module roots nest ({@code dev.patroni4j.testkit.containers} lies inside {@code
   * dev.patroni4j.testkit}): a prefix match alone would let testkit use testkit-containers' internals.
   */
  static ArchRule noOtherModulesInternals(String moduleRoot, Set<String> allModuleRoots) {
    Set<String> roots = new LinkedHashSet<>(allModuleRoots);
    roots.add(moduleRoot);
    return classes().that().resideInAPackage(moduleRoot + "..")
        .should(new ArchCondition<JavaClass>("depend on no class in another module's .internal packages") {
          @Override
          public void check(JavaClass item, ConditionEvents events) {
            for (Dependency d : item.getDirectDependenciesFromSelf()) {
              JavaClass target = d.getTargetClass().getBaseComponentType();
              String pkg = target.getPackageName();
              if (pkg.startsWith(PROJECT_ROOT + ".") && isInternal(pkg)
                  && !owningRoot(pkg, roots).filter(moduleRoot::equals).isPresent()) {
                events.add(SimpleConditionEvent.violated(d, d.getDescription()));
              }
            }
          }
        })
        .allowEmptyShould(false)
        .as("code under " + moduleRoot + " imports no other module's .internal package");
  }

  /**
   * Public and protected signatures of public types in public packages use only API types, or
   * types of {@code allowedPackages} (exact package names).
   */
  static ArchRule publicSignaturesUseOnlyApiTypes(Set<String> allowedPackages) {
    return classes().that(PUBLIC_API_TYPES)
        .should(new ArchCondition<JavaClass>("expose only JDK types, patroni4j's public types and allowlisted annotations") {
          @Override
          public void check(JavaClass item, ConditionEvents events) {
            for (String problem : signatureProblems(item, allowedPackages)) {
              events.add(SimpleConditionEvent.violated(item, problem));
            }
          }
        })
        .allowEmptyShould(false)
        .as("public signatures name no .internal and no third-party type");
  }

  /** Every package of the classes checked has a {@code package-info} annotated {@code @NullMarked}. */
  static ArchRule everyPackageIsNullMarked() {
    return all(PACKAGES)
        .should(new ArchCondition<JavaPackage>("have a package-info.java annotated @NullMarked") {
          @Override
          public void check(JavaPackage item, ConditionEvents events) {
            Optional<? extends JavaClass> info = item.getClasses().stream()
                .filter(c -> c.getSimpleName().equals("package-info")).findFirst();
            if (info.isEmpty()) {
              events.add(SimpleConditionEvent.violated(item, "package " + item.getName() + " has no package-info.java"));
            } else if (!info.get().isAnnotatedWith(NullMarked.class)) {
              events.add(SimpleConditionEvent.violated(item, "package " + item.getName()
                  + " has a package-info.java without @NullMarked, so NullAway does not check it"));
            }
          }
        })
        .allowEmptyShould(false)
        .as("every package is @NullMarked");
  }

  /**
   * No class but {@code allowedClass} (and its nested and lambda code) calls or references {@code
   * java.lang.Thread.sleep} or {@code java.util.concurrent.TimeUnit.sleep}.
   */
  static ArchRule sleepsOnlyIn(String allowedClass) {
    return classes().that(new DescribedPredicate<JavaClass>("are not " + allowedClass) {
          @Override
          public boolean test(JavaClass c) {
            return !(c.getName().equals(allowedClass) || c.getName().startsWith(allowedClass + "$"));
          }
        })
        .should(new ArchCondition<JavaClass>("call no Thread.sleep or TimeUnit.sleep") {
          @Override
          public void check(JavaClass item, ConditionEvents events) {
            List<JavaAccess<?>> accesses = new ArrayList<>(item.getMethodCallsFromSelf());
            accesses.addAll(item.getMethodReferencesFromSelf());
            for (JavaAccess<?> a : accesses) {
              String owner = a.getTargetOwner().getName();
              if (a.getName().equals("sleep")
                  && (owner.equals(Thread.class.getName()) || owner.equals(TimeUnit.class.getName()))) {
                events.add(SimpleConditionEvent.violated(a, a.getDescription()));
              }
            }
          }
        })
        .allowEmptyShould(true)
        .as("no Thread.sleep outside " + allowedClass);
  }

  static boolean isInternal(String packageName) {
    return packageName.endsWith(".internal") || packageName.contains(".internal.");
  }

  /** The longest of {@code roots} that contains {@code packageName}, if any. */
  private static Optional<String> owningRoot(String packageName, Set<String> roots) {
    return roots.stream().filter(r -> within(packageName, r)).max(Comparator.comparingInt(String::length));
  }

  private static boolean within(String packageName, String root) {
    return packageName.equals(root) || packageName.startsWith(root + ".");
  }

  /** A public type (its enclosing types public too) of a package that is not {@code .internal}. */
  private static final DescribedPredicate<JavaClass> PUBLIC_API_TYPES =
      new DescribedPredicate<>("are public types of public packages") {
        @Override
        public boolean test(JavaClass c) {
          if (isInternal(c.getPackageName()) || c.getSimpleName().equals("package-info")) {
            return false;
          }
          for (Optional<JavaClass> k = Optional.of(c); k.isPresent(); k = k.get().getEnclosingClass()) {
            Set<JavaModifier> m = k.get().getModifiers();
            boolean visible = m.contains(JavaModifier.PUBLIC) || m.contains(JavaModifier.PROTECTED);
            if (!visible || k.get().isAnonymousClass() || k.get().isLocalClass()) {
              return false;
            }
          }
          return true;
        }
      };

  private static final AbstractClassesTransformer<JavaPackage> PACKAGES =
      new AbstractClassesTransformer<>("packages") {
        @Override
        public Iterable<JavaPackage> doTransform(JavaClasses classes) {
          Set<String> seen = new TreeSet<>();
          List<JavaPackage> out = new ArrayList<>();
          for (JavaClass c : classes) {
            if (seen.add(c.getPackageName())) {
              out.add(c.getPackage());
            }
          }
          return out;
        }
      };

  static List<String> signatureProblems(JavaClass type, Set<String> allowed) {
    Set<String> problems = new LinkedHashSet<>();
    String owner = type.getName();
    type.getRawSuperclass().ifPresent(s -> check(problems, allowed, owner + " extends", type.getSuperclass().orElseThrow()));
    for (JavaType i : type.getInterfaces()) {
      check(problems, allowed, owner + " implements", i);
    }
    for (JavaTypeVariable<JavaClass> v : type.getTypeParameters()) {
      for (JavaType bound : v.getUpperBounds()) {
        check(problems, allowed, owner + " type parameter " + v.getName(), bound);
      }
    }
    for (JavaField f : type.getFields()) {
      if (visible(f)) {
        check(problems, allowed, owner + "." + f.getName(), f.getType());
      }
    }
    for (JavaCodeUnit u : type.getCodeUnits()) {
      if (!visible(u) || u.getModifiers().contains(JavaModifier.SYNTHETIC) || u.getModifiers().contains(JavaModifier.BRIDGE)) {
        continue;
      }
      String where = owner + "." + (u.isConstructor() ? "<init>" : u.getName()) + "(...)";
      check(problems, allowed, where + " returns", u.getReturnType());
      for (JavaType p : u.getParameterTypes()) {
        check(problems, allowed, where + " takes", p);
      }
      for (JavaType t : u.getExceptionTypes()) {
        check(problems, allowed, where + " throws", t);
      }
      for (JavaTypeVariable<? extends JavaCodeUnit> v : u.getTypeParameters()) {
        for (JavaType bound : v.getUpperBounds()) {
          check(problems, allowed, where + " type parameter " + v.getName(), bound);
        }
      }
    }
    return new ArrayList<>(problems);
  }

  private static boolean visible(JavaMember m) {
    Set<JavaModifier> modifiers = m.getModifiers();
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static void check(Set<String> problems, Set<String> allowed, String where, JavaType type) {
    for (JavaClass raw : type.getAllInvolvedRawTypes()) {
      JavaClass c = raw.getBaseComponentType();
      if (c.isPrimitive()) {
        continue;
      }
      String pkg = c.getPackageName();
      if (pkg.startsWith(PROJECT_ROOT + ".") || pkg.equals(PROJECT_ROOT)) {
        if (isInternal(pkg)) {
          problems.add(where + " " + c.getName() + ", an .internal type");
        }
      } else if (!(pkg.startsWith("java.") || pkg.startsWith("javax.") || allowed.contains(pkg))) {
        problems.add(where + " " + c.getName() + ", a third-party type");
      }
    }
  }
}
