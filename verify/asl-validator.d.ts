/** asl-validator 4 ships no types: the function it exports. */
declare module "asl-validator" {
  function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: { message?: string; path?: string; [k: string]: unknown }[]; errorsText: (separator?: string) => string };
  export default aslValidator;
}
