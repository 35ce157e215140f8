/** esbuild loads `.css` files imported by webviews as text (see esbuild.js `loader`). */
declare module '*.css' {
  const text: string;
  export default text;
}
