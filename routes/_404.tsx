/** The page browsers see for an unknown URL (API clients get a 404 problem+json). */
export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p class="lead">There is nothing at this address.</p>
      <p>
        <a class="button" href="/">Go to the home page</a>
      </p>
    </>
  );
}
