/** Test fixture: a module that exports no createFactory. */
export const somethingElse = 42;
