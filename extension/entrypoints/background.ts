// Placeholder background until the extension issue lands.
export default defineBackground(() => {});
